/**
 * A fake Slack Web API built from Slack's documented answers (docs.slack.dev, "Web API methods"):
 * every method answers HTTP 200 with `{"ok": true, …}` or `{"ok": false, "error": "<code>"}`; a
 * rate-limited call answers HTTP 429 with `Retry-After` (seconds) and `{"ok": false, "error":
 * "ratelimited"}`. Methods: `auth.test`, `users.lookupByEmail` (`users_not_found` for an unknown
 * address; the user object carries `tz`, `tz_label`, `tz_offset`), `conversations.open` (a `D…`
 * channel per user), `chat.postMessage` (returns `channel`, `ts` and the `message`, keeping its
 * `metadata`) and `conversations.history` (newest first; metadata only with
 * `include_all_metadata`). Arguments arrive form-encoded, as the official client sends them, with
 * `blocks` and `metadata` as JSON strings.
 *
 * @module
 */
import { type FakeServer, json, type LoggedRequest, startFake } from "./server.ts";

/** The bot token the fake accepts. */
export const SLACK_TOKEN = "xoxb-1111-2222-fake";

/** One posted message as Slack keeps it. */
export interface SlackMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A running fake Slack. `apiUrl` is what an operator would put in `SLACK_API_URL`. */
export interface FakeSlack extends FakeServer {
  apiUrl: string;
  /** Workspace members by email: id and time zone. */
  users: Map<string, { id: string; tz: string }>;
  /** Posted messages by DM channel id, oldest first. */
  messages: Map<string, SlackMessage[]>;
  /** The next `n` calls answer 429 `ratelimited` with `Retry-After: seconds`. */
  rateLimit(n: number, seconds: number): void;
  /** The next `chat.postMessage` answers `ok: false` with this error. */
  failNextPost(error: string): void;
  /** Messages posted by calls to `chat.postMessage` (every attempt that Slack accepted). */
  posts(): number;
}

function args(req: LoggedRequest): URLSearchParams {
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const body = JSON.parse(req.body) as Record<string, unknown>;
    return new URLSearchParams(
      Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  }
  return new URLSearchParams(req.body || req.url.search);
}

/**
 * Starts a fake Slack with Fry (`U0FRY`, `Europe/Paris`) and Amy (`U0AMY`,
 * `America/Los_Angeles`) in the workspace.
 *
 * @returns the fake
 */
export function startFakeSlack(): FakeSlack {
  const users = new Map([
    ["fry@example.com", { id: "U0FRY", tz: "Europe/Paris" }],
    ["amy@example.com", { id: "U0AMY", tz: "America/Los_Angeles" }],
  ]);
  const messages = new Map<string, SlackMessage[]>();
  let limited = 0;
  let retryAfter = 1;
  let failPost: string | null = null;
  let posted = 0;
  let clock = 1_765_000_000;

  const server = startFake((req) => {
    if (limited > 0) {
      limited--;
      return new Response(JSON.stringify({ ok: false, error: "ratelimited" }), {
        status: 429,
        headers: { "Content-Type": "application/json", "Retry-After": String(retryAfter) },
      });
    }
    if (req.headers.get("authorization") !== `Bearer ${SLACK_TOKEN}`) {
      return json({ ok: false, error: "invalid_auth" });
    }
    const a = args(req);
    const method = req.url.pathname.replace(/^\/api\//, "");
    switch (method) {
      case "auth.test":
        return json({
          ok: true,
          url: "https://planet-express.slack.com/",
          team: "Planet Express",
          user: "stethoscope",
          team_id: "T0PLANET",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        });
      case "users.lookupByEmail": {
        const user = users.get(a.get("email") ?? "");
        if (user === undefined) return json({ ok: false, error: "users_not_found" });
        return json({
          ok: true,
          user: {
            id: user.id,
            team_id: "T0PLANET",
            name: a.get("email")?.split("@")[0],
            deleted: false,
            tz: user.tz,
            tz_label: user.tz,
            tz_offset: 0,
            profile: { email: a.get("email") },
            is_bot: false,
          },
        });
      }
      case "conversations.open": {
        const user = [...users.values()].find((u) => u.id === a.get("users"));
        if (user === undefined) return json({ ok: false, error: "user_not_found" });
        return json({ ok: true, channel: { id: `D${user.id.slice(1)}` } });
      }
      case "chat.postMessage": {
        const channel = a.get("channel") ?? "";
        if (failPost !== null) {
          const error = failPost;
          failPost = null;
          return json({ ok: false, error });
        }
        if (!channel.startsWith("D")) return json({ ok: false, error: "channel_not_found" });
        const ts = `${clock++}.000100`;
        const metadata = a.get("metadata");
        const message: SlackMessage = {
          ts,
          text: a.get("text") ?? "",
          blocks: JSON.parse(a.get("blocks") ?? "[]"),
          ...(metadata ? { metadata: JSON.parse(metadata) } : {}),
        };
        const list = messages.get(channel) ?? [];
        list.push(message);
        messages.set(channel, list);
        posted++;
        return json({ ok: true, channel, ts, message: { type: "message", ...message } });
      }
      case "conversations.history": {
        const list = [...(messages.get(a.get("channel") ?? "") ?? [])].reverse();
        const withMeta = a.get("include_all_metadata") === "true";
        const limit = Number(a.get("limit") ?? 100);
        return json({
          ok: true,
          messages: list.slice(0, limit).map(({ metadata, ...m }) => ({
            type: "message",
            ...m,
            ...(withMeta && metadata ? { metadata } : {}),
          })),
          has_more: list.length > limit,
        });
      }
      default:
        return json({ ok: false, error: "unknown_method" });
    }
  });
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    users,
    messages,
    rateLimit(n: number, seconds: number) {
      limited = n;
      retryAfter = seconds;
    },
    failNextPost(error: string) {
      failPost = error;
    },
    posts: () => posted,
  };
}
