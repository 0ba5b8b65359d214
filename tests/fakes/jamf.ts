/**
 * A fake Jamf Pro server serving the JAMF fixtures through the Classic API (`/JSSResource`),
 * authenticating as Jamf Pro 11.5+ does by default: bearer tokens from `POST /api/v1/auth/token`
 * (account, HTTP Basic) and `POST /api/oauth/token` (API client, form body,
 * `grant_type=client_credentials`), Basic refused on the Classic API with the same bare 401 a wrong
 * password gets; a token past its lifetime (or revoked) is answered 401 `INVALID_TOKEN`
 * (jamf/mut#75). Older servers are one option away (`basicClassic`, `tokenEndpoints: false`).
 * Source: Jamf developer docs "Classic API authentication changes" and "Client credentials"
 * (quoted in jamf/Jamf-Switcher#12, univ-of-utah-marriott-library-apple/jctl#44).
 *
 * @module
 */
import { type FakeServer, json, startFake } from "./server.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

/** The credentials the fake accepts. */
export const JAMF_USER = "api-reader";
export const JAMF_PASSWORD = "hunter2-jamf";
/** The API client the fake knows. */
export const JAMF_CLIENT_ID = "0f6f8d2e-stethoscope-reader";
export const JAMF_CLIENT_SECRET = "client-secret-jamf-9x";
/** The `jamf` config keys for the fake's user account (JAMF_API_USERNAME/PASSWORD). */
export const JAMF_ACCOUNT = { JAMF_API_USERNAME: JAMF_USER, JAMF_API_PASSWORD: JAMF_PASSWORD };
/** The `jamf` config keys for the fake's API client (JAMF_CLIENT_ID/SECRET). */
export const JAMF_API_CLIENT = { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET };

/** How the fake server authenticates. */
export interface FakeJamfOptions {
  /** Basic accepted on the Classic API (Jamf Pro before 11.5, or the setting turned back on). */
  basicClassic?: boolean;
  /** `false`: a server older than 10.35, with no token endpoint (404) and Basic only. */
  tokenEndpoints?: boolean;
  /** Lifetime of issued tokens, in seconds (default 1200 for accounts, 300 for API clients). */
  tokenLifetimeSeconds?: number;
  /** Valid credentials get 403 at the token endpoints (the account may not use the API). */
  tokenForbidden?: boolean;
}

/** Loads a JAMF fixture (`lgml-pfry` or `lgmd-pfry`). */
export async function jamfFixture(name: string): Promise<{ computer: Record<string, unknown> }> {
  const url = new URL(`../fixtures/upstream/jamf/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

/** A running fake JAMF. `hostaddr` is what an operator would put in `JAMF_API_HOSTADDR`. */
export interface FakeJamf extends FakeServer {
  hostaddr: string;
  /** Computers by id (raw JSON, as the API answers it). */
  computers: Map<number, unknown>;
  /** Users by name: the ids of their computers. */
  users: Map<string, number[]>;
  /** Users' email addresses by name (default `{name}@planetexpress.com`). */
  emails: Map<string, string>;
  /** Tokens issued so far (`Bearer` values without the scheme). */
  issued: string[];
  /** Forgets every token issued so far, as a server restart or an invalidated token does. */
  revokeTokens(): void;
  /** Answers 403 (`"privilege"`) or 401 (`"all"`) to every Classic API call; `null` = behave. */
  refuseClassic(how: "privilege" | "all" | null): void;
}

/**
 * Starts a fake JAMF holding `lgml-pfry` (id 4551) and `lgmd-pfry` (id 3062), both of user `fry`
 * (the original looks JAMF users up by the local part of the email address).
 *
 * @returns the fake; tests may add computers and users
 */
export async function startFakeJamf(options: FakeJamfOptions = {}): Promise<FakeJamf> {
  const computers = new Map<number, unknown>([
    [4551, await jamfFixture("lgml-pfry")],
    [3062, await jamfFixture("lgmd-pfry")],
  ]);
  const users = new Map<string, number[]>([["fry", [4551, 3062]]]);
  const basic = basicAuth(JAMF_USER, JAMF_PASSWORD);
  const tokenEndpoints = options.tokenEndpoints ?? true;
  const basicClassic = options.basicClassic ?? !tokenEndpoints;
  const issued: string[] = [];
  /** Token → when it stops being accepted (ms, the fake's own clock). */
  const valid = new Map<string, number>();
  const issue = (defaultLifetime: number) => {
    const token = `tok-${issued.length + 1}-${crypto.randomUUID()}`;
    issued.push(token);
    const lifetime = options.tokenLifetimeSeconds ?? defaultLifetime;
    valid.set(token, Date.now() + lifetime * 1000);
    return { token, lifetime: options.tokenLifetimeSeconds ?? defaultLifetime };
  };
  let refusing: "privilege" | "all" | null = null;
  const emails = new Map<string, string>();
  const emailOf = (name: string) => emails.get(name) ?? `${name}@planetexpress.com`;
  const userJson = (id: number, name: string, ids: number[]) => ({
    id,
    name,
    email: emailOf(name),
    email_address: emailOf(name),
    links: { computers: ids.map((c) => ({ id: c, name: `computer-${c}` })) },
  });
  const unauthorized = () => new Response("<html>Unauthorized</html>", { status: 401 });
  const general = (c: unknown) =>
    (c as { computer?: { general?: Record<string, unknown> } }).computer?.general ?? {};
  const find = (pred: (c: unknown) => boolean) => {
    const hit = [...computers.values()].find(pred);
    return hit === undefined ? json({ error: "Not Found" }, 404) : json(hit);
  };
  const server = startFake((req) => {
    const path = decodeURIComponent(req.url.pathname);
    const auth = req.headers.get("authorization") ?? "";
    if (tokenEndpoints && req.method === "POST" && path === "/api/v1/auth/token") {
      if (auth !== basic) return json({ httpStatus: 401, errors: [] }, 401);
      if (options.tokenForbidden) return json({ httpStatus: 403, errors: [] }, 403);
      const { token, lifetime } = issue(1200);
      return json({ token, expires: new Date(Date.now() + lifetime * 1000).toISOString() });
    }
    if (tokenEndpoints && req.method === "POST" && path === "/api/oauth/token") {
      const form = new URLSearchParams(req.body);
      const type = req.headers.get("content-type") ?? "";
      if (!type.startsWith("application/x-www-form-urlencoded")) {
        return json({ error: "invalid_request" }, 400);
      }
      if (form.get("grant_type") !== "client_credentials") {
        return json({ error: "unsupported_grant_type" }, 400);
      }
      if (
        form.get("client_id") !== JAMF_CLIENT_ID || form.get("client_secret") !== JAMF_CLIENT_SECRET
      ) {
        return json({ error: "invalid_client" }, 401);
      }
      const { token, lifetime } = issue(300);
      return json({
        access_token: token,
        scope: "api-role:1",
        token_type: "Bearer",
        expires_in: lifetime,
      });
    }
    if (!path.startsWith("/JSSResource/")) return json({ error: "Not Found" }, 404);
    // A token is refused once its lifetime has passed on the server's clock, as Jamf Pro does.
    const bearer = auth.startsWith("Bearer ") && (valid.get(auth.slice(7)) ?? 0) > Date.now();
    if (auth.startsWith("Bearer ") && !bearer) {
      // An expired or revoked token: the JSON body Jamf Pro answers (as logged in jamf/mut#75).
      return json({
        httpStatus: 401,
        errors: [{ code: "INVALID_TOKEN", description: "Unauthorized", id: "0", field: null }],
      }, 401);
    }
    if (!bearer && !(basicClassic && auth === basic)) return unauthorized();
    if (refusing === "all") return unauthorized();
    if (refusing === "privilege") return new Response("<html>Forbidden</html>", { status: 403 });
    let m: RegExpMatchArray | null;
    if (path === "/JSSResource/jssuser") {
      return json({ user: { name: JAMF_USER, privileges: ["Read Computers"] } });
    }
    if ((m = path.match(/^\/JSSResource\/users\/email\/(.+)$/))) {
      // Classic API: every user with that address, as a list (case-insensitive, whole address).
      const wanted = m[1]!.toLowerCase();
      const found = [...users].filter(([name]) => emailOf(name).toLowerCase() === wanted);
      if (found.length === 0) return json({ error: "Not Found" }, 404);
      return json({ users: found.map(([name, ids], i) => userJson(i + 1, name, ids)) });
    }
    if ((m = path.match(/^\/JSSResource\/users\/name\/(.+)$/))) {
      const ids = users.get(m[1]!);
      if (ids === undefined) return json({ error: "Not Found" }, 404);
      return json({ user: userJson(1, m[1]!, ids) });
    }
    if ((m = path.match(/^\/JSSResource\/computers\/match\/(.+)$/))) {
      // Classic API wildcard search: any computer whose name, user or email contains the term.
      const term = m[1]!.replaceAll("*", "").toLowerCase();
      const hits = [...computers].flatMap(([id, c]) => {
        const comp = (c as { computer?: Record<string, Record<string, unknown>> }).computer;
        const loc = comp?.location ?? {};
        const fields = [comp?.general?.name, loc.username, loc.email_address];
        if (!fields.some((f) => typeof f === "string" && f.toLowerCase().includes(term))) {
          return [];
        }
        return [{
          id,
          name: comp?.general?.name,
          serial_number: comp?.general?.serial_number,
          username: loc.username ?? "",
          email: loc.email_address ?? "",
          email_address: loc.email_address ?? "",
        }];
      });
      return json({ computers: hits });
    }
    if ((m = path.match(/^\/JSSResource\/computers\/id\/(\d+)$/))) {
      const c = computers.get(Number(m[1]));
      return c === undefined ? json({ error: "Not Found" }, 404) : json(c);
    }
    if ((m = path.match(/^\/JSSResource\/computers\/serialnumber\/(.+)$/))) {
      const serial = m[1];
      return find((c) => general(c).serial_number === serial);
    }
    if ((m = path.match(/^\/JSSResource\/computers\/macaddress\/(.+)$/))) {
      const mac = m[1]!.toUpperCase();
      return find((c) => general(c).mac_address === mac || general(c).alt_mac_address === mac);
    }
    return json({ error: "Not Found" }, 404);
  });
  return {
    ...server,
    hostaddr: `${server.url}/JSSResource`,
    computers,
    users,
    emails,
    issued,
    revokeTokens: () => valid.clear(),
    refuseClassic: (how) => {
      refusing = how;
    },
  };
}
