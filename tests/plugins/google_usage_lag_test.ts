import assert from "node:assert/strict";
import { UpstreamError } from "../../engine/core/ports.ts";
import { createLatestDayFinder, notReadyWarning } from "../../plugins/sources/google/usage_lag.ts";

const NOW = new Date("2026-11-30T09:00:00Z");
const lag = (message: string) => Object.assign(new Error(message), { lag: true });
const notYet = (e: unknown) => (e as { lag?: boolean }).lag ? (e as Error).message : null;

/** A Reports API stand-in: days after `until` are refused; records every day asked. */
function reportsUntil(until: string, options: { naming: boolean }) {
  const asked: string[] = [];
  return {
    asked,
    fetchDay: (date: string) => {
      asked.push(date);
      if (date <= until) return Promise.resolve(`report of ${date}`);
      return Promise.reject(
        lag(
          options.naming
            ? `Data for dates later than ${until} is not yet available. Please check back later`
            : "Data for the requested date is not yet available",
        ),
      );
    },
    notYetAvailable: notYet,
  };
}

Deno.test("latest usage day: steps back one day at a time when the refusal names no day", async () => {
  const latest = createLatestDayFinder({ now: () => NOW });
  const api = reportsUntil("2026-11-26", { naming: false });
  assert.deepEqual(await latest(api), { value: "report of 2026-11-26", date: "2026-11-26" });
  assert.deepEqual(api.asked, ["2026-11-29", "2026-11-28", "2026-11-27", "2026-11-26"]);
});

Deno.test("latest usage day: jumps to the day the refusal names", async () => {
  const latest = createLatestDayFinder({ now: () => NOW });
  const api = reportsUntil("2026-11-25", { naming: true });
  assert.deepEqual(await latest(api), { value: "report of 2026-11-25", date: "2026-11-25" });
  assert.deepEqual(api.asked, ["2026-11-29", "2026-11-25"]);
});

Deno.test("latest usage day: the next person that day starts at the day that worked", async () => {
  let now = NOW;
  const latest = createLatestDayFinder({ now: () => now });
  const api = reportsUntil("2026-11-27", { naming: false });
  await latest(api);
  api.asked.length = 0;
  await latest(api);
  assert.deepEqual(api.asked, ["2026-11-27"]);
  now = new Date("2026-12-01T09:00:00Z"); // a new day: yesterday is tried again
  api.asked.length = 0;
  await latest(api);
  assert.deepEqual(api.asked, ["2026-11-30", "2026-11-29", "2026-11-28", "2026-11-27"]);
});

Deno.test("latest usage day: gives up after 7 days with a plain message", async () => {
  const latest = createLatestDayFinder({ now: () => NOW });
  const api = reportsUntil("2026-11-01", { naming: false });
  await assert.rejects(latest(api), (e: unknown) => {
    assert.ok(e instanceof UpstreamError);
    assert.equal(
      e.message,
      "Google usage report: no report is available yet for any of the last 7 days " +
        "(2026-11-23 to 2026-11-29)",
    );
    return true;
  });
  assert.equal(api.asked.length, 7);
  assert.equal(api.asked.at(-1), "2026-11-23");
});

Deno.test("latest usage day: any other failure is not stepped over", async () => {
  const latest = createLatestDayFinder({ now: () => NOW });
  const asked: string[] = [];
  await assert.rejects(
    latest({
      fetchDay: (date) => {
        asked.push(date);
        return Promise.reject(new Error("HTTP 403"));
      },
      notYetAvailable: notYet,
    }),
    { message: "HTTP 403" },
  );
  assert.deepEqual(asked, ["2026-11-29"]);
});

Deno.test("notReadyWarning() reads a no-data warning only when no report came with it", () => {
  const warning = {
    code: "PARTIAL_DATA_AVAILABLE",
    message: "Data for date 2026-11-29 is not available right now",
  };
  assert.equal(
    notReadyWarning({ warnings: [warning] }),
    "Data for date 2026-11-29 is not available right now",
  );
  assert.equal(
    notReadyWarning({ warnings: [{ code: "DATA_NOT_AVAILABLE" }] }),
    "DATA_NOT_AVAILABLE",
  );
  assert.equal(
    notReadyWarning({ warnings: [warning], usageReports: [{ date: "2026-11-29" }] }),
    null,
  );
  assert.equal(notReadyWarning({ warnings: [{ code: "SOMETHING_ELSE", message: "x" }] }), null);
  assert.equal(notReadyWarning({ usageReports: [] }), null);
  assert.equal(notReadyWarning("garbage"), null);
});
