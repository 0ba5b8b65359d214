import assert from "node:assert/strict";
import { createGraphClient } from "../../plugins/sources/intune/graph.ts";
import {
  INTUNE_CLIENT_ID,
  INTUNE_CLIENT_SECRET,
  INTUNE_TENANT,
  startIntuneFake,
} from "../fakes/intune.ts";

Deno.test("createGraphClient() token exchange survives the first caller's abort for the others", async () => {
  const fake = startIntuneFake();
  try {
    const graph = createGraphClient({
      graphUrl: fake.graphUrl,
      loginUrl: fake.loginUrl,
      tenantId: INTUNE_TENANT,
      clientId: INTUNE_CLIENT_ID,
      clientSecret: INTUNE_CLIENT_SECRET,
      timeoutMs: 5000,
      now: () => new Date("2026-11-30T12:00:00Z"),
    });
    const first = new AbortController();
    const gaveUp = graph.token(first.signal);
    const waits = graph.token(new AbortController().signal);
    first.abort(new Error("the first page view went away"));
    await assert.rejects(gaveUp, /the first page view went away/);
    assert.match(await waits, /fake-intune-token$/);
    assert.equal(fake.counts.tokens, 1, "one exchange, shared");
  } finally {
    await fake.close();
  }
});
