import assert from "node:assert/strict";
import { addDays, dayIn, dayStart, lastDayBefore, parseDay } from "../../lib/calendar_days.ts";

Deno.test("dayStart() is midnight in the zone, through daylight saving", () => {
  // Berlin: winter UTC+1, summer UTC+2 (the clocks go forward on 28 March 2027, at 02:00)
  assert.equal(dayStart("2027-03-28", "Europe/Berlin").toISOString(), "2027-03-27T23:00:00.000Z");
  assert.equal(dayStart("2027-03-29", "Europe/Berlin").toISOString(), "2027-03-28T22:00:00.000Z");
  assert.equal(dayStart("2027-03-01", "UTC").toISOString(), "2027-03-01T00:00:00.000Z");
  assert.equal(dayStart("2027-07-01", "Asia/Kolkata").toISOString(), "2027-06-30T18:30:00.000Z");
  // Santiago skips midnight on 6 September 2026 (00:00 -> 01:00): the day begins at 01:00, UTC-3
  assert.equal(
    dayStart("2026-09-06", "America/Santiago").toISOString(),
    "2026-09-06T04:00:00.000Z",
  );
});

Deno.test("dayIn() and lastDayBefore() name the zone's day", () => {
  assert.equal(dayIn(new Date("2027-03-01T23:00:00Z"), "Europe/Berlin"), "2027-03-02");
  assert.equal(lastDayBefore(new Date("2027-03-01T23:00:00Z"), "Europe/Berlin"), "2027-03-01");
  assert.equal(lastDayBefore(new Date("2027-03-02T00:00:00Z"), "UTC"), "2027-03-01");
  assert.equal(dayIn(new Date("2027-03-02T07:59:59Z"), "America/Los_Angeles"), "2027-03-01");
});

Deno.test("parseDay() accepts only days of the calendar; addDays() counts calendar days", () => {
  assert.equal(parseDay("2027-02-28"), "2027-02-28");
  assert.equal(parseDay("2028-02-29"), "2028-02-29");
  for (const text of ["2027-02-29", "2027-02-31", "2027-04-31", "2027-13-01", "2027-00-10"]) {
    assert.equal(parseDay(text), null, text);
  }
  for (const text of ["2027-3-1", " 2027-03-01", "2027-03-01T00:00", ""]) {
    assert.equal(parseDay(text), null, text);
  }
  assert.equal(addDays("2026-12-01", 365), "2027-12-01");
  assert.equal(addDays("2028-02-28", 1), "2028-02-29");
  assert.equal(addDays("2027-03-01", -1), "2027-02-28");
});
