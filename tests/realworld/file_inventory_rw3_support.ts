/**
 * The `file` plugin itself reading a real-world fixture (bytes as exported, not text a test
 * decoded), for the cases about export encodings and spellings.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import file from "../../plugins/sources/file.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";

/** The file source over `tests/realworld/fixtures/<name>`, as an operator configures it. */
export function fileSourceOver(name: string): PluginInstance {
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return file.create(file.schema.parse({ PATH: path }), {
    name: "file",
    timeoutMs: 2000,
    log: silentLogger,
    store: {} as Store,
    now: () => new Date("2026-12-07T12:00:00Z"),
    demo: false,
  }) as PluginInstance;
}
