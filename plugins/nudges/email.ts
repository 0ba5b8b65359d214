/**
 * `email` nudge channel (issue 27): one message per digest over SMTP through `nodemailer`, with a
 * text part and a simple HTML part. The message's `Message-ID` is derived from its idempotency
 * key, so the rare copy sent twice (the process stopped after the server accepted the message and
 * before the ledger recorded it — SMTP has no way to ask afterwards) carries the same
 * `Message-ID`, which mail clients show once.
 *
 * Config: `SMTP_HOST`, `SMTP_PORT` (default 587), `SMTP_SECURE` (TLS from the first byte, port
 * 465; default `false`, then STARTTLS is required unless `SMTP_REQUIRE_TLS` is `false`, which only
 * a loopback relay should set), `SMTP_USER` / `SMTP_PASSWORD` (from the environment), `FROM`
 * (`"Security team <security@example.com>"`), `TIMEOUT` (seconds).
 *
 * Errors (RFC 5321 §4.2): a 5xx answer to the recipient (550 no such user, 553, 554) is a
 * permanent refusal; 4xx answers and connection failures are retried with back-off.
 *
 * @module
 */
import nodemailer from "nodemailer";
import { z } from "zod";
import { NudgeRefusedError } from "../../engine/nudges/nudge_ports.ts";
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";
import type { CallOptions } from "../../engine/core/ports.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";

/** The plugin's `PLUGINS.email` section. */
export const schema = z.object({
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: z.boolean().default(false),
  SMTP_REQUIRE_TLS: z.boolean().default(true),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  FROM: z.string().min(3),
  TIMEOUT: timeoutSeconds,
}).strict().refine((c) => (c.SMTP_USER === undefined) === (c.SMTP_PASSWORD === undefined), {
  message: "SMTP_USER and SMTP_PASSWORD go together",
  path: ["SMTP_PASSWORD"],
});

/**
 * The `Message-ID` of a nudge: its idempotency key made safe for the header (RFC 5322 §3.6.4).
 *
 * @param key the nudge's idempotency key (`nudge:email:2026-12-07:…`)
 * @param host the sending host's name for the right-hand side
 * @returns `<nudge.email.2026-12-07.…@host>`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(messageId("nudge:email:2026-12-07:ab12", "stethoscope.example.com"),
 *   "<nudge.email.2026-12-07.ab12@stethoscope.example.com>");
 * ```
 */
export function messageId(key: string, host: string): string {
  return `<${key.replace(/[^A-Za-z0-9.-]/g, ".")}@${host}>`;
}

/** An SMTP failure as one of ours: 5xx is a permanent refusal, anything else is retried. */
function smtpError(error: unknown): Error {
  const code = error instanceof Error ? Reflect.get(error, "responseCode") : undefined;
  if (typeof code === "number" && code >= 500 && code < 600) {
    return new NudgeRefusedError(
      `the mail server refused the message (SMTP ${code})`,
      String(code),
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    typeof code === "number"
      ? `the mail server deferred the message (SMTP ${code}); will retry`
      : `cannot deliver mail: ${reason}`,
  );
}

/** The email nudge channel; see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => {
  const ms = ctx.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    requireTLS: !config.SMTP_SECURE && config.SMTP_REQUIRE_TLS,
    ignoreTLS: !config.SMTP_SECURE && !config.SMTP_REQUIRE_TLS,
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
    ...(config.SMTP_USER !== undefined && config.SMTP_PASSWORD !== undefined
      ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } }
      : {}),
  });
  const host = (config.FROM.match(/@([^>\s]+)/)?.[1] ?? "stethoscope.invalid").toLowerCase();

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async sendNudge(
      email: string,
      message: NudgeMessage,
      options: { idempotencyKey: string },
    ): Promise<string> {
      try {
        const info = await transport.sendMail({
          from: config.FROM,
          to: email,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: messageId(options.idempotencyKey, host),
        });
        return `smtp ${info.messageId}`;
      } catch (error: unknown) {
        throw smtpError(error);
      }
    },

    async checkConnectivity(_options: CallOptions): Promise<string> {
      try {
        await transport.verify();
      } catch (error: unknown) {
        throw smtpError(error);
      }
      return `SMTP ${config.SMTP_HOST}:${config.SMTP_PORT} accepts us`;
    },

    close(): void {
      transport.close();
    },
  };
}, {
  kinds: ["nudges"],
  summary: "nudges people by email over SMTP (nodemailer)",
});
