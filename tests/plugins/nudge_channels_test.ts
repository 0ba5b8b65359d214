/**
 * The two nudge channels against real peers on loopback: the Slack plugin (official
 * `@slack/web-api` client) against a fake built from Slack's documented answers, and the email
 * plugin (`nodemailer`) against a real SMTP server (`smtp-server`), asserting what the server
 * received — envelope, headers, both parts, links — not a mock's arguments.
 *
 * @module
 */
import assert from "node:assert/strict";
import { SMTPServer } from "smtp-server";
import { silentLogger } from "../../config/log.ts";
import { NudgeRefusedError } from "../../engine/nudges/nudge_ports.ts";
import { nudgeMessage } from "../../engine/nudges/nudge_message.ts";
import { NO_NUDGE_HISTORY, planNudge } from "../../engine/nudges/nudges.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import emailPlugin from "../../plugins/nudges/email.ts";
import slackPlugin from "../../plugins/nudges/slack.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { RateLimitError } from "../../plugins/retry_after.ts";
import { SLACK_TOKEN, startFakeSlack } from "../fakes/slack.ts";
import { DEFAULT_NUDGE_SETTINGS } from "../../engine/nudges/nudges.ts";

const NOW = new Date("2026-12-07T14:00:00Z");

function context(name: string): PluginContext {
  return {
    name,
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => NOW,
    demo: false,
  };
}

function message() {
  const plan = planNudge({
    items: [{
      key: "device:C02XK1:firewall",
      level: "critical",
      title: "Firewall is off",
      where: "MacBook Pro · macOS 15.6",
      href: "/devices#dev-C02XK1-firewall",
    }, {
      key: "device:C02XK1:uptodate",
      level: "suggested",
      title: "Install macOS 15.7.3",
      where: "MacBook Pro · macOS 15.6",
      href: "/devices#dev-C02XK1-uptodate",
      deadline: new Date("2026-12-15T00:00:00Z"),
    }],
    history: NO_NUDGE_HISTORY,
    settings: DEFAULT_NUDGE_SETTINGS,
    now: NOW,
  });
  assert.ok(plan.send);
  if (!plan.send) throw new Error("unreachable");
  return nudgeMessage(plan, { appName: "Stethoscope", origin: "https://st.example.com" }, NOW);
}

const SEND = {
  signal: new AbortController().signal,
  idempotencyKey: "nudge:k1",
  mayHaveBeenSent: false,
};

async function slack() {
  const fake = startFakeSlack();
  const plugin = await slackPlugin.create(
    slackPlugin.schema.parse({ SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: fake.apiUrl }),
    context("slack"),
  );
  return { fake, plugin };
}

Deno.test("slack: a nudge is one DM with blocks, a text fallback and its key in the metadata", async () => {
  const { fake, plugin } = await slack();
  try {
    const where = await plugin.sendNudge("fry@example.com", message(), SEND);
    assert.match(where, /^slack D0FRY \d+\.000100$/);
    const posted = fake.messages.get("D0FRY") ?? [];
    assert.equal(posted.length, 1);
    assert.equal(
      posted[0]?.text.split("\n")[0],
      "Stethoscope: 2 things to fix on your devices",
    );
    assert.equal(posted[0]?.blocks.length, 6);
    assert.deepEqual(posted[0]?.metadata, {
      event_type: "stethoscope_nudge",
      event_payload: { key: "nudge:k1" },
    });
    assert.deepEqual(
      fake.requests.map((r) => r.url.pathname),
      ["/api/users.lookupByEmail", "/api/conversations.open", "/api/chat.postMessage"],
    );
    assert.equal(await plugin.timeZoneOf?.("amy@example.com", SEND), "America/Los_Angeles");
  } finally {
    await fake.close();
  }
});

Deno.test("slack: a retry that may have been posted looks for its key first and posts nothing twice", async () => {
  const { fake, plugin } = await slack();
  try {
    await plugin.sendNudge("fry@example.com", message(), SEND);
    const again = await plugin.sendNudge("fry@example.com", message(), {
      ...SEND,
      mayHaveBeenSent: true,
    });
    assert.match(again, /\(found, not posted again\)$/);
    assert.equal(fake.posts(), 1);
    // Another key on a retry is posted: the history holds only the first.
    await plugin.sendNudge("fry@example.com", message(), {
      ...SEND,
      idempotencyKey: "nudge:k2",
      mayHaveBeenSent: true,
    });
    assert.equal(fake.posts(), 2);
  } finally {
    await fake.close();
  }
});

Deno.test("slack: users_not_found and channel_not_found are refusals; ratelimited carries Retry-After", async () => {
  const { fake, plugin } = await slack();
  try {
    await assert.rejects(
      plugin.sendNudge("zoidberg@example.com", message(), SEND),
      (e: unknown) =>
        e instanceof NudgeRefusedError && e.code === "users_not_found" &&
        e.message === "Slack refused users.lookupByEmail: users_not_found",
    );
    fake.failNextPost("channel_not_found");
    await assert.rejects(
      plugin.sendNudge("fry@example.com", message(), SEND),
      (e: unknown) => e instanceof NudgeRefusedError && e.code === "channel_not_found",
    );
    fake.rateLimit(1, 30);
    await assert.rejects(
      plugin.sendNudge("fry@example.com", message(), SEND),
      (e: unknown) => e instanceof RateLimitError && e.retryAfterMs === 30_000,
    );
    fake.failNextPost("fatal_error");
    await assert.rejects(
      plugin.sendNudge("fry@example.com", message(), SEND),
      (e: unknown) =>
        !(e instanceof NudgeRefusedError) && e instanceof Error &&
        e.message === "Slack answered chat.postMessage with error fatal_error",
    );
    assert.equal(fake.posts(), 0);
  } finally {
    await fake.close();
  }
});

Deno.test("slack: connectivity names the bot and workspace, or Slack's error for a bad token", async () => {
  const { fake, plugin } = await slack();
  try {
    assert.equal(
      await plugin.checkConnectivity?.(SEND),
      "bot stethoscope in workspace Planet Express",
    );
    const bad = await slackPlugin.create(
      slackPlugin.schema.parse({ SLACK_BOT_TOKEN: "xoxb-wrong", SLACK_API_URL: fake.apiUrl }),
      context("slack"),
    );
    await assert.rejects(bad.checkConnectivity?.(SEND) ?? Promise.resolve(), {
      message: "Slack answered auth.test with error invalid_auth",
    });
  } finally {
    await fake.close();
  }
});

Deno.test("slack: the config refuses a token that is not a bot token, naming the key", () => {
  const result = slackPlugin.schema.safeParse({ SLACK_BOT_TOKEN: "hunter2" });
  assert.equal(result.success, false);
  assert.deepEqual(result.error?.issues.map((i) => [i.path.join("."), i.message]), [[
    "SLACK_BOT_TOKEN",
    "expected a Slack bot token (xoxb-…)",
  ]]);
});

/** A real SMTP server on loopback that keeps each message's envelope and raw text. */
async function smtp(options: { refuse?: string } = {}) {
  const received: { from: string; to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === options.refuse) {
        const error = Object.assign(new Error("5.1.1 No such user here"), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (c: Uint8Array) => chunks.push(c));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from === false ? "" : from.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: new TextDecoder().decode(
            chunks.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array()),
          ),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function email(port: number) {
  return await emailPlugin.create(
    emailPlugin.schema.parse({
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: port,
      SMTP_REQUIRE_TLS: false,
      FROM: "Security team <security@example.com>",
      TIMEOUT: 5,
    }),
    context("email"),
  );
}

Deno.test("email: the SMTP server receives one message with both parts, the fix links and its Message-ID", async () => {
  const server = await smtp();
  const plugin = await email(server.port);
  try {
    const where = await plugin.sendNudge("fry@example.com", message(), SEND);
    assert.equal(where, "smtp <nudge.k1@example.com>");
    assert.equal(server.received.length, 1);
    const got = server.received[0]!;
    assert.equal(got.from, "security@example.com");
    assert.deepEqual(got.to, ["fry@example.com"]);
    // Quoted-printable (RFC 2045 §6.7): soft line breaks and =XX escapes.
    const raw = got.raw.replace(/=\r\n/g, "").replace(
      /=([0-9A-F]{2})/g,
      (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
    );
    assert.match(raw, /^Subject: Stethoscope: 2 things to fix on your devices\r$/m);
    assert.match(raw, /^Message-ID: <nudge\.k1@example\.com>\r$/m);
    assert.match(raw, /^Content-Type: multipart\/alternative;/m);
    assert.match(raw, /^Content-Type: text\/plain; charset=utf-8\r$/m);
    assert.match(raw, /^Content-Type: text\/html; charset=utf-8\r$/m);
    assert.ok(raw.includes("https://st.example.com/devices#dev-C02XK1-firewall"));
    assert.ok(raw.includes("https://st.example.com/nudges/snooze?item=device%3AC02XK1%3Auptodate"));
    assert.equal(
      await plugin.checkConnectivity?.(SEND),
      `SMTP 127.0.0.1:${server.port} accepts us`,
    );
  } finally {
    plugin.close?.();
    await server.close();
  }
});

Deno.test("email: a 550 for the recipient is a refusal; a closed port is retried", async () => {
  const server = await smtp({ refuse: "zoidberg@example.com" });
  const plugin = await email(server.port);
  try {
    await assert.rejects(
      plugin.sendNudge("zoidberg@example.com", message(), SEND),
      (e: unknown) =>
        e instanceof NudgeRefusedError && e.code === "550" &&
        e.message === "the mail server refused the message (SMTP 550)",
    );
    assert.equal(server.received.length, 0);
  } finally {
    plugin.close?.();
    await server.close();
  }
  const closed = await email(server.port);
  await assert.rejects(
    closed.sendNudge("fry@example.com", message(), SEND),
    (e: unknown) =>
      !(e instanceof NudgeRefusedError) && e instanceof Error &&
      e.message.startsWith("cannot deliver mail: "),
  );
  closed.close?.();
});
