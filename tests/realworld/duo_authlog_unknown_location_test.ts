/**
 * Duo v2 authentication log entries whose place or address is unknown. Source: Elastic's Cisco
 * Duo integration test payloads (elastic/integrations,
 * packages/cisco_duo/data_stream/auth/_dev/test/pipeline/test-auth.log): `access_device.location`
 * `{city: null, state: null, country: null}`, an enrollment with `reason: null` and
 * `auth_device.ip: null`; rapid7/insightconnect-plugins#830 (Duo Admin "Get Logs" output): a
 * `location` of `{}`. The `access_device.ip: null` and the `"-"` placeholders are variants of
 * those entries (a GeoIP lookup with no answer), not payloads seen verbatim. Fixture:
 * fixtures/duo_authlogs_unknown_location_and_address.ndjson. Right behaviour: the Activity page
 * never shows "-, -, -" nor an empty address: an unknown place and address read "Unknown place".
 *
 * @module
 */
import assert from "node:assert/strict";
import { toEvent } from "../../plugins/sources/duo_api.ts";
import { describeEvent, whereFrom } from "../../views/activity.tsx";
import { realworldFixtureText } from "./fixture.ts";

const entries = (await realworldFixtureText("duo_authlogs_unknown_location_and_address.ndjson"))
  .split("\n").filter((l) => l).map((l) => JSON.parse(l));

Deno.test("Duo sign-ins with an unknown place or address: the Activity line says so in plain words", () => {
  const events = entries.map((e) => toEvent(e, { debug: false })!);
  assert.deepEqual(
    events.map((e) => [e.id, describeEvent(e, {}), whereFrom(e), e.username]),
    [
      ["e22120cd-7388-424f-aa0a-b60cad42d8f4", "Duo push approved", "89.160.20.156", "narroway"],
      ["e22120cd-7388-424f-aa0a-b60cad42d8f5", "Duo sign-in approved", "Unknown place", "narroway"],
      [
        "fa59a691-9139-43e9-9854-f9e1dbf72af6",
        "Duo push denied (user mistake)",
        "89.160.20.156",
        "narroway",
      ],
      [
        "fa59a691-9139-43e9-9854-f9e1dbf72af7",
        "Duo push approved",
        "Ann Arbor, United States · 89.160.20.156",
        "narroway",
      ],
    ],
  );
});

Deno.test("Duo entries with an unknown place or address: the event text has no blank or '-' line", () => {
  const [, enrollment, dashes] = entries.map((e) => toEvent(e, { debug: false })!);
  assert.equal(
    enrollment!.content,
    [
      "Duo Authentication: 2021-07-23T07:19:35.000Z",
      "Event Type: enrollment",
      "Factor: not_available",
      "Integration: portal",
      "Result: success",
    ].join("\n"),
  );
  assert.equal(enrollment!.ip_address, "");
  assert.equal(enrollment!.reason, "");
  assert.equal(dashes!.place, undefined);
  assert.equal(dashes!.content?.includes("Location"), false);
});
