/**
 * `audit()` (routes/guards/audit.ts): without a request logger plugin, one structured log line per
 * data access with exactly these fields — the ids only for the security team's records — and with
 * a plugin, the record goes to the plugin and no line is written. A fake request context (the two
 * variables `audit()` reads) and a recording logger.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import type { AccessRecord, RequestLogger } from "../../engine/core/ports.ts";
import { audit } from "../../routes/guards/audit.ts";
import type { Ctx } from "../../routes/context.ts";

const NOW = new Date("2026-12-08T03:00:00Z");

function context(requestLoggers: RequestLogger[]) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "info", sink: (_, line) => void lines.push(JSON.parse(line)) });
  const vars: Record<string, unknown> = {
    deps: { requestLoggers, log, now: () => NOW },
    user: { email: "admin@example.com" },
  };
  return { c: { get: (key: string) => vars[key] } as unknown as Ctx, lines };
}

Deno.test("audit() writes one line per access: the record type, its count, ids only for security records", () => {
  const { c, lines } = context([]);
  audit(c, "user@example.com", "device", [{ name: "fry-mbp" }, { name: "fry-ipad" }]);
  audit(c, "user@example.com", "notification", [{ id: "fw" }]);
  audit(c, "user@example.com", "exemption", { id: "x1", email: "user@example.com" }, "exemptions");
  assert.deepEqual(lines.map(({ time: _, ...rest }) => rest), [
    {
      level: "info",
      msg: "data access",
      audit: true,
      accessing_user: "admin@example.com",
      target: "user@example.com",
      record_type: "device",
      context: "merged",
      count: 2,
    },
    {
      level: "info",
      msg: "data access",
      audit: true,
      accessing_user: "admin@example.com",
      target: "user@example.com",
      record_type: "notification",
      context: "merged",
      count: 1,
    },
    {
      level: "info",
      msg: "data access",
      audit: true,
      accessing_user: "admin@example.com",
      target: "user@example.com",
      record_type: "exemption",
      context: "exemptions",
      count: 1,
      ids: ["x1"],
    },
  ]);
});

Deno.test("audit() with a request logger plugin sends it the record and writes no line", () => {
  const records: AccessRecord[] = [];
  const { c, lines } = context([{
    name: "recorder",
    timeoutMs: null,
    log: (r) => void records.push(r),
  }]);
  const devices = [{ name: "fry-mbp" }];
  audit(c, "user@example.com", "device", devices);
  assert.deepEqual(lines, []);
  assert.deepEqual(records, [{
    accessing_user: "admin@example.com",
    target: "user@example.com",
    record_type: "device",
    context: "merged",
    retrieved: NOW,
    data: devices,
  }]);
});
