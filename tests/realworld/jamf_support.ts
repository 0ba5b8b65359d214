/**
 * Shared set-up of the JAMF real-world tests: a fake Jamf Pro server holding fixture records, and
 * the `jamf` source pointed at it with an API client.
 *
 * @module
 */
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import jamf from "../../plugins/sources/jamf.ts";
import {
  type FakeJamf,
  type FakeJamfOptions,
  JAMF_CLIENT_ID,
  JAMF_CLIENT_SECRET,
  startFakeJamf,
} from "../fakes/jamf.ts";

/**
 * A fake JAMF emptied of its Planet Express records, and the source configured for it with an
 * API client; `now` is the source's clock.
 */
export async function emptyJamf(
  options: { fake?: FakeJamfOptions; now?: () => Date } = {},
): Promise<{ fake: FakeJamf; plugin: PluginInstance }> {
  const fake = await startFakeJamf(options.fake);
  fake.computers.clear();
  fake.users.clear();
  const config = jamf.schema.parse({
    JAMF_API_HOSTADDR: fake.hostaddr,
    JAMF_CLIENT_ID,
    JAMF_CLIENT_SECRET,
  });
  const plugin = await jamf.create(config, {
    name: "jamf",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: options.now ?? (() => new Date()),
    demo: false,
  });
  return { fake, plugin };
}
