/**
 * A fake Duo Admin API serving `/admin/v2/logs/authentication`: it checks each request's HMAC
 * signature like Duo does, filters by `mintime`/`maxtime` (ms), and pages with `next_offset`.
 *
 * @module
 */
import { signDuoRequest } from "../../plugins/sources/duo_api.ts";
import { type FakeServer, json, startFake } from "./server.ts";

/** Credentials and host name the fake expects. */
export const DUO_IKEY = "DIWJ8X6AEYOR5OMC6TQ1";
export const DUO_SKEY = "duo-secret-key-for-tests-0123456789abcdef";
export const DUO_HOST = "api-decafbad.duosecurity.com";

/** A running fake Duo. */
export interface FakeDuo extends FakeServer {
  /** Authentication log entries (v2 shape), any order. */
  logs: Record<string, unknown>[];
  /** Entries per page at most (Duo's own maximum is the `limit` parameter, up to 1000). */
  pageSize: number;
}

/**
 * A v2 authentication log entry.
 *
 * @param at when it happened
 * @param fields overrides (user name, result, factor, txid…)
 */
export function authLog(
  at: Date,
  fields: { user?: string; txid?: string; result?: string; factor?: string; ip?: string } = {},
): Record<string, unknown> {
  return {
    access_device: {
      ip: fields.ip ?? "192.0.2.10",
      location: { city: "New New York", state: "New York", country: "United States" },
      browser: "Chrome",
      os: "Mac OS X",
    },
    application: { key: "DIAPPKEY", name: "Planet Express VPN" },
    auth_device: { ip: "198.51.100.7", name: "Fry's iPhone" },
    event_type: "authentication",
    factor: fields.factor ?? "duo_push",
    isotimestamp: at.toISOString(),
    reason: fields.result === "denied" ? "user_marked_fraud" : "user_approved",
    result: fields.result ?? "success",
    timestamp: Math.floor(at.getTime() / 1000),
    txid: fields.txid ?? crypto.randomUUID(),
    user: { key: "DUUSERKEY", name: fields.user ?? "fry" },
  };
}

/**
 * A `duo` plugin section reaching the fake at `url`, polling once an hour (tests drive the first
 * poll through `checkConnectivity`), with `extra` keys added.
 */
export function duoSettings(
  url: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    DUO_INTEGRATION_KEY: DUO_IKEY,
    DUO_SECRET_KEY: DUO_SKEY,
    DUO_API_HOSTNAME: DUO_HOST,
    DUO_API_URL: url,
    POLL_SECONDS: 3600,
    ...extra,
  };
}

/** Starts a fake Duo. */
export function startFakeDuo(): FakeDuo {
  // deno-lint-ignore prefer-const
  let fake: FakeDuo;
  const server = startFake(async (req) => {
    if (req.url.pathname !== "/admin/v2/logs/authentication") return json({ stat: "FAIL" }, 404);
    const params = Object.fromEntries(req.url.searchParams);
    const expected = await signDuoRequest({
      method: req.method,
      host: DUO_HOST,
      path: req.url.pathname,
      params,
      date: req.headers.get("date") ?? "",
      ikey: DUO_IKEY,
      skey: DUO_SKEY,
    });
    if (req.headers.get("authorization") !== expected.Authorization) {
      return json({
        stat: "FAIL",
        code: 40103,
        message: "Invalid signature in request credentials",
      }, 401);
    }
    const min = Number(params.mintime);
    const max = Number(params.maxtime);
    const limit = Math.min(Number(params.limit ?? 100), fake.pageSize);
    const ms = (e: Record<string, unknown>) => (e.timestamp as number) * 1000;
    const matching = fake.logs.filter((e) => ms(e) >= min && ms(e) <= max)
      .sort((a, b) => ms(a) - ms(b));
    let start = 0;
    if (params.next_offset) {
      const txid = params.next_offset.split(",")[1];
      start = matching.findIndex((e) => e.txid === txid) + 1;
    }
    const page = matching.slice(start, start + limit);
    const last = page.at(-1);
    const more = start + limit < matching.length && last !== undefined;
    return json({
      stat: "OK",
      response: {
        authlogs: page,
        metadata: {
          next_offset: more ? [String(ms(last)), String(last.txid)] : null,
          total_objects: matching.length,
        },
      },
    });
  });
  fake = Object.assign(server, { logs: [] as Record<string, unknown>[], pageSize: 1000 });
  return fake;
}
