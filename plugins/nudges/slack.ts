/**
 * `slack` nudge channel (issue 27): a direct message from the company's Slack app, through the
 * official `@slack/web-api` client and three Web API methods — `users.lookupByEmail` (the person,
 * and their `tz` for the sending window), `conversations.open` (the DM channel) and
 * `chat.postMessage` (Block Kit blocks with a text fallback, and message `metadata` carrying the
 * idempotency key). Before a retry of a message that may already have been posted, it reads the
 * DM's recent `conversations.history` with `include_all_metadata` and skips the post when a message
 * with that key is there: exactly once across crashes.
 *
 * Config: `SLACK_BOT_TOKEN` (a bot token `xoxb-…`, from the environment), `SLACK_API_URL` (default
 * `https://slack.com/api/`; tests point it at a loopback fake), `TIMEOUT` (seconds). The app needs
 * the bot scopes `users:read`, `users:read.email`, `im:write`, `chat:write` and `im:history`.
 *
 * Errors (Slack's documented `error` strings): `users_not_found` and `user_not_found` (the person is
 * not in the workspace), `channel_not_found`, `not_in_channel`, `is_archived`, `user_disabled` are
 * permanent refusals; `ratelimited` (HTTP 429 with `Retry-After`) waits as long as Slack asked;
 * anything else is retried with back-off. `invalid_auth`, `not_authed`, `token_revoked` and
 * `missing_scope` are named by `connectivity` (`auth.test`).
 *
 * @module
 */
import { ErrorCode, WebClient, type WebClientOptions } from "@slack/web-api";
import { z } from "zod";
import { NudgeRefusedError } from "../../engine/nudges/nudge_ports.ts";
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";
import type { CallOptions } from "../../engine/core/ports.ts";
import { outboundFetch } from "../outbound.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import { RateLimitError } from "../retry_after.ts";

/** The plugin's `PLUGINS.slack` section. */
export const schema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-/, "expected a Slack bot token (xoxb-…)"),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default("https://slack.com/api/"),
  TIMEOUT: timeoutSeconds,
}).strict();

/** The message metadata type Stethoscope posts with (Slack: "Message metadata"). */
export const METADATA_EVENT = "stethoscope_nudge";

/** Slack errors after which retrying cannot help. */
const PERMANENT = new Set([
  "users_not_found",
  "user_not_found",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "user_disabled",
  "cannot_dm_bot",
]);

/**
 * Slack's error as one of ours: a permanent refusal, a rate limit with its wait, or the error as
 * it was (retried with back-off).
 *
 * @param error what the Web API client threw
 * @param what the method called, for the message
 * @returns the error to throw
 */
export function slackError(error: unknown, what: string): Error {
  const code = error instanceof Error ? Reflect.get(error, "code") : undefined;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = Number(Reflect.get(error as object, "retryAfter"));
    const ms = Number.isFinite(seconds) ? seconds * 1000 : null;
    return new RateLimitError(`Slack rate limited ${what}; retry after ${seconds} s`, ms);
  }
  if (code === ErrorCode.PlatformError) {
    const data = Reflect.get(error as object, "data") as { error?: unknown } | undefined;
    const slackCode = typeof data?.error === "string" ? data.error : "unknown_error";
    if (PERMANENT.has(slackCode)) {
      return new NudgeRefusedError(`Slack refused ${what}: ${slackCode}`, slackCode);
    }
    return new Error(`Slack answered ${what} with error ${slackCode}`);
  }
  if (code === ErrorCode.HTTPError) {
    return new Error(
      `Slack answered ${what} with HTTP ${Reflect.get(error as object, "statusCode")}`,
    );
  }
  return new Error(
    `cannot reach Slack for ${what}: ${error instanceof Error ? error.message : error}`,
  );
}

/** The Slack nudge channel; see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => {
  const options: WebClientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    // The outbox retries with its own back-off and honours Retry-After across processes.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(ctx.timeoutMs === null ? {} : { timeout: ctx.timeoutMs }),
    // Every call goes out under the outbound rules (SLACK_API_URL may name http:).
    fetch: outboundFetch("sink", { name: "Slack", allowHttp: true }),
  };
  const web = new WebClient(config.SLACK_BOT_TOKEN, options);

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error: unknown) {
      throw slackError(error, what);
    }
  }

  async function lookup(email: string): Promise<{ id: string; tz?: string }> {
    const answer = await call("users.lookupByEmail", () => web.users.lookupByEmail({ email }));
    const id = answer.user?.id;
    if (typeof id !== "string") {
      throw new NudgeRefusedError("Slack found no user id for this address", "users_not_found");
    }
    return { id, ...(typeof answer.user?.tz === "string" ? { tz: answer.user.tz } : {}) };
  }

  async function alreadyPosted(channel: string, key: string): Promise<string | undefined> {
    const history = await call(
      "conversations.history",
      () => web.conversations.history({ channel, limit: 20, include_all_metadata: true }),
    );
    const found = (history.messages ?? []).find((m) =>
      m.metadata?.event_type === METADATA_EVENT &&
      (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key
    );
    return found?.ts;
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async sendNudge(
      email: string,
      message: NudgeMessage,
      options: { idempotencyKey: string; mayHaveBeenSent: boolean },
    ): Promise<string> {
      const user = await lookup(email);
      const opened = await call(
        "conversations.open",
        () => web.conversations.open({ users: user.id }),
      );
      const channel = opened.channel?.id;
      if (typeof channel !== "string") {
        throw new NudgeRefusedError("Slack opened no direct-message channel", "channel_not_found");
      }
      if (options.mayHaveBeenSent) {
        const ts = await alreadyPosted(channel, options.idempotencyKey);
        if (ts !== undefined) return `slack ${channel} ${ts} (found, not posted again)`;
      }
      const posted = await call("chat.postMessage", () =>
        web.chat.postMessage({
          channel,
          text: message.slack.text,
          blocks: message.slack.blocks,
          unfurl_links: false,
          metadata: { event_type: METADATA_EVENT, event_payload: { key: options.idempotencyKey } },
        }));
      return `slack ${channel} ${posted.ts ?? "?"}`;
    },

    async timeZoneOf(email: string, _options: CallOptions): Promise<string | undefined> {
      return (await lookup(email)).tz;
    },

    async checkConnectivity(_options: CallOptions): Promise<string> {
      const auth = await call("auth.test", () => web.auth.test());
      return `bot ${auth.user ?? "?"} in workspace ${auth.team ?? "?"}`;
    },
  };
}, {
  kinds: ["nudges"],
  summary: "nudges people by Slack direct message (users.lookupByEmail, chat.postMessage)",
});
