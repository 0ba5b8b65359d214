import assert from "node:assert/strict";
import { createBurstTracker } from "../../engine/view/bursts.ts";
import type { SourceError } from "../../engine/core/types.ts";

const jamfDown: SourceError = {
  source: "jamf",
  operation: "devicesByEmail",
  kind: "timeout",
  message: "jamf did not answer within 5 s",
};

Deno.test("createBurstTracker() reports a failing source once per burst, then its recovery", () => {
  const seen: string[] = [];
  const bursts = createBurstTracker({
    failing: (e) => seen.push(`failing ${e.source}: ${e.message}`),
    repeated: (e, n) => seen.push(`repeat ${e.source} #${n}`),
    recovered: (source, n) => seen.push(`recovered ${source} after ${n}`),
  });
  bursts.record("jamf", undefined);
  bursts.record("jamf", jamfDown);
  bursts.record("google", undefined);
  bursts.record("jamf", jamfDown);
  bursts.record("jamf", jamfDown);
  assert.deepEqual([...bursts.failing()], [["jamf", 3]]);
  bursts.record("jamf", undefined);
  bursts.record("jamf", undefined);
  bursts.record("jamf", jamfDown);
  assert.deepEqual(seen, [
    "failing jamf: jamf did not answer within 5 s",
    "repeat jamf #2",
    "repeat jamf #3",
    "recovered jamf after 3",
    "failing jamf: jamf did not answer within 5 s",
  ]);
});
