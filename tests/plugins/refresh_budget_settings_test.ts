/**
 * `SNAPSHOTS.REFRESH_BUDGETS` mistakes are refused at start-up with one clear line each (issue 24
 * review): a budget smaller than one lookup (it would still allow one lookup, above the budget)
 * and a budget naming no source a lookup asks (a typo limited nothing, silently).
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigSchema } from "../../config/schema.ts";
import { formatIssues } from "../../config/problems.ts";
import { PluginConfigError } from "../../plugins/registry.ts";
import { demoWith, startApp } from "../support/app.ts";

Deno.test("a refresh budget smaller than one lookup is refused with the setting's path", () => {
  const input = {
    SNAPSHOTS: {
      REFRESH_BUDGETS: { jamf: { REQUESTS: 1, PER_SECONDS: 60, REQUESTS_PER_LOOKUP: 2 } },
    },
  };
  const parsed = ConfigSchema.safeParse(input);
  assert.equal(parsed.success, false);
  assert.deepEqual(formatIssues(parsed.error!.issues, [], input), [
    "SNAPSHOTS.REFRESH_BUDGETS.jamf: REQUESTS is smaller than REQUESTS_PER_LOOKUP: not even one lookup fits the budget",
  ]);
});

Deno.test("a refresh budget naming no loaded source stops start-up and names the likely one", async () => {
  const config = demoWith({
    PLUGINS: { demo: {} },
    SNAPSHOTS: { REFRESH_BUDGETS: { dmeo: { REQUESTS: 10, PER_SECONDS: 60 } } },
  });
  await assert.rejects(() => startApp({ config }), (error: unknown) => {
    assert.ok(error instanceof PluginConfigError);
    assert.deepEqual(error.problems, [
      'SNAPSHOTS.REFRESH_BUDGETS.dmeo: no loaded source is called "dmeo" (did you mean "demo"?); lookups ask: demo',
    ]);
    return true;
  });
});
