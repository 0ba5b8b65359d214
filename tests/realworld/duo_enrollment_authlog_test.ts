// A Duo Admin API v2 authentication log entry for an enrolment: `factor` "not_available", no
// `reason`, an `auth_device` with an empty location and no address, and a user name written with
// capitals and a domain (shape published in rapid7/insightconnect-plugins pull request #830,
// "Add new inputs in Get Logs action in Duo Admin plugin"; details made up).
import assert from "node:assert/strict";
import { toEvent } from "../../plugins/sources/duo_api.ts";
import { realworldFixture } from "./fixture.ts";

Deno.test("a Duo enrolment entry becomes a sign-in with what it says, and no blank lines", async () => {
  const raw = await realworldFixture("duo_authlog_v2_enrollment_event.json");
  const event = toEvent(raw, { debug: false });
  assert.deepEqual(event, {
    source: "duo",
    id: "00000000-0000-0000-0000-0000000000e1",
    type: "not_available",
    success: true,
    reason: "",
    ip_address: "198.51.100.23",
    timestamp: new Date("2026-11-19T14:50:33Z"),
    // The whole address, lower-cased: a bare local part would match alice@partner.example too
    // (see duo_user_name_whole_address_test.ts).
    username: "alice@example.com",
    place: "Springfield, Oregon, United States",
    content: [
      "Duo Authentication: 2026-11-19T14:50:33.000Z",
      "IP: 198.51.100.23",
      "Location: Springfield, Oregon, United States",
      "Event Type: enrollment",
      "Device: Unknown",
      "Factor: not_available",
      "Integration: portal",
      "Result: success",
    ].join("\n"),
  });
});
