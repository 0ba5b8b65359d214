/**
 * `restful_feedback` (spec §9.2–§9.3): forwards a person's answer to a notification as JSON to a
 * REST endpoint. Called by the outbox worker, which retries until the endpoint answers 2xx.
 *
 * Config: `URL` (required), `TIMEOUT` (seconds), `HEALTHCHECK_URL` (optional; `connectivity` GETs
 * it and wants 200).
 *
 * @module
 */
import { z } from "zod";
import { type CallOptions, type FeedbackOptions, UpstreamError } from "../engine/core/ports.ts";
import type { Feedback } from "../engine/core/types.ts";
import { postJsonOnce } from "./http_post.ts";
import { outbound } from "./outbound.ts";
import { safeUrl } from "./http_redact.ts";
import { definePlugin, timeoutSeconds } from "./plugin.ts";

/** The plugin's `PLUGINS.restful_feedback` section. */
export const schema = z.object({
  URL: z.url({ protocol: /^https?$/ }),
  TIMEOUT: timeoutSeconds,
  HEALTHCHECK_URL: z.url({ protocol: /^https?$/ }).optional(),
}).strict();

/** The JSON body posted for one feedback (spec §2.9). */
export interface FeedbackBody {
  user_id: string;
  feedback: string;
  notes: string;
  id: string;
  source: "stethoscope";
}

/**
 * The body the original posted: the person's email as `user_id`, and `source: "stethoscope"`.
 *
 * @param email who answered
 * @param feedback their answer
 * @returns the JSON body
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(feedbackBody("fry@example.com", { id: "n1", feedback: "yes", notes: "" }), {
 *   source: "stethoscope", user_id: "fry@example.com", id: "n1", feedback: "yes", notes: "",
 * });
 * ```
 */
export function feedbackBody(email: string, feedback: Feedback): FeedbackBody {
  return {
    user_id: email,
    feedback: feedback.feedback,
    notes: feedback.notes,
    id: feedback.id,
    source: "stethoscope",
  };
}

/** The feedback sink posting answers over HTTP; see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => {
  const target = safeUrl(config.URL);
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async postFeedback(
      email: string,
      feedback: Feedback,
      options: FeedbackOptions,
    ): Promise<unknown> {
      const key = options.idempotencyKey;
      const answer = await postJsonOnce(ctx.name, config.URL, feedbackBody(email, feedback), {
        signal: options.signal,
        ...(key ? { headers: { "Idempotency-Key": key } } : {}),
      });
      if (!answer.ok) {
        throw new UpstreamError(
          `received invalid response code (${answer.status}) for '${target}' from '${ctx.name}'`,
          answer.status,
        );
      }
      return answer.body;
    },

    async checkConnectivity(options: CallOptions): Promise<void> {
      if (config.HEALTHCHECK_URL === undefined) return;
      const response = await outbound("health", config.HEALTHCHECK_URL, {
        headers: { "User-Agent": "Stethoscope" },
      }, { name: ctx.name, signal: options.signal, allowHttp: true });
      await response.body?.cancel();
      if (response.status !== 200) {
        throw new UpstreamError(
          `${ctx.name}: health check ${
            safeUrl(config.HEALTHCHECK_URL)
          } answered ${response.status}`,
          response.status,
        );
      }
    },
  };
}, { kinds: ["feedback"], summary: "forwards answered alerts to a REST endpoint" });
