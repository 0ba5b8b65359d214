/**
 * A request logger plugin for tests that keeps every audit record it is given, registered as
 * `recorder` (enable it with `PLUGINS: { recorder: {} }`).
 *
 * @module
 */
import { z } from "zod";
import type { AccessRecord } from "../../engine/core/ports.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import { registryWith } from "./sources.ts";

/**
 * A registry with the recording request logger, and the records it keeps.
 *
 * @returns `records` (appended as they arrive) and the `registry` to start the app with
 */
export function auditRecorder(): {
  records: AccessRecord[];
  registry: ReturnType<typeof registryWith>;
} {
  const records: AccessRecord[] = [];
  const module = definePlugin(z.object({}).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    log: (record: AccessRecord) => void records.push(record),
  }), { kinds: ["request_logger"], summary: "test audit recorder" });
  return {
    records,
    registry: registryWith({ recorder: { load: () => Promise.resolve({ default: module }) } }),
  };
}
