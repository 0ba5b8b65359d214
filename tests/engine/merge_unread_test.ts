import assert from "node:assert/strict";
import { mergeDevices } from "../../engine/identity/merge.ts";

Deno.test("mergeDevices() keeps the unread fields of every record of a device", () => {
  const unreadDate = {
    source: "file",
    field: "last_sync",
    value: "/Date(x)/",
    reason: "its date is in a format we don't know",
  };
  const unreadPatch = {
    source: "google",
    field: "securityPatchLevel",
    value: "soon",
    reason: "not a date",
  };
  const merged = mergeDevices([
    { source: "file", identifiers: { serial: "S1" }, unread: [unreadDate] },
    { source: "google", identifiers: { serial: "S1" }, unread: [unreadPatch] },
    { source: "jamf", identifiers: { serial: "S2" }, unread: [unreadDate] },
    { source: "jamf", identifiers: { serial: "S3" } },
  ]);
  assert.deepEqual(merged.map((d) => d.unread), [
    [unreadDate, unreadPatch],
    [unreadDate],
    undefined,
  ]);
});
