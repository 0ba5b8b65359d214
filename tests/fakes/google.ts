/**
 * A loopback fake of the Google Admin SDK and OAuth token endpoint, speaking the REST paths
 * `googleapis` calls. The token endpoint verifies the signed service-account assertion with the
 * test key's public key; the API paths accept only tokens it issued.
 *
 * Modern behaviours: the mobile-device search `email:x` matches loosely (any owner address
 * containing x, any letter case — Google's `:` matches words, see the Directory API guide
 * "Search for mobile devices"), and the Reports API lags: a usage report for a day later than
 * `usageLagDays` before now answers HTTP 400 "Data for dates later than D is not yet available"
 * (the 30 November 2026 case file, RW-07).
 *
 * @module
 */
import { jwtVerify } from "jose";
import { sleep } from "../../lib/abort.ts";

/**
 * Makes the next `times` requests whose path contains `match` fail with `status`, answering
 * `body` (default: Google's error shape with "Injected failure") and `headers`.
 */
export interface Failure {
  match: string;
  status: number;
  times: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request the fake saw. */
export interface SeenRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization: string | null;
}

/** What a test configures. */
export interface GoogleFakeOptions {
  /** Verifies assertions. */
  publicKey: CryptoKey;
  /** The service account the assertion must come from (`iss`). */
  clientEmail: string;
  /** The delegated admin the assertion must name (`sub`). */
  subject: string;
  /** The fake's clock, shared with the plugin so expiry tests agree. */
  now?: () => Date;
}

/** A running fake. Mutate its fields to set up a test. */
export interface GoogleFake {
  /** Root URL to configure as `GOOGLE_API_ROOT_URL` (ends with `/`). */
  url: string;
  /** The `token_uri` for the service-account JSON. */
  tokenUri: string;
  mobile: unknown[];
  chromeos: unknown[];
  /** The user directory (`users.list`). */
  users: unknown[];
  /** userKey → usage reports. */
  usage: Map<string, unknown[]>;
  /** Days the usage reports lag behind now (default 2): later days answer HTTP 400. */
  usageLagDays: number;
  /** Leave the day out of the "not yet available" message (some answers do not name it). */
  usageLagWithoutDate: boolean;
  /**
   * How a lagging day is answered: `error` (HTTP 400) or `warning` (HTTP 200, no reports, a
   * `DATA_NOT_AVAILABLE` warning, as in googleworkspace/apps-script-samples#104).
   */
  usageLagAnswer: "error" | "warning";
  /** userKey → login activities. */
  activities: Map<string, unknown[]>;
  /** Items per page of every list (ignores `maxResults` when smaller). */
  pageSize: number;
  /** Lifetime of issued tokens, in seconds. */
  expiresIn: number;
  /** Delay before answering API paths (not the token endpoint). */
  delayMs: number;
  /** API answers sent after their delay (not counting those ended by close). */
  delayedAnswers: number;
  /** Resolves once `count` requests have arrived in all, so a test waits by counting. */
  received(count: number): Promise<void>;
  failures: Failure[];
  requests: SeenRequest[];
  tokenRequests: number;
  close(): Promise<void>;
}

const DIRECTORY = "/admin/directory/v1/customer/my_customer/devices/";
const USAGE_RE = /^\/admin\/reports\/v1\/usage\/users\/([^/]+)\/dates\/([^/]+)$/;
const ACTIVITY_RE = /^\/admin\/reports\/v1\/activity\/users\/([^/]+)\/applications\/login$/;

/**
 * Starts the fake on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts
 * const fake = startGoogleFake({ publicKey, clientEmail, subject });
 * fake.mobile.push(device);
 * await fake.close();
 * ```
 */
export function startGoogleFake(options: GoogleFakeOptions): GoogleFake {
  const now = options.now ?? (() => new Date());
  const issued = new Set<string>();
  // Ends delayed answers at close (the request's own signal is not a reliable hang-up signal).
  const closing = new AbortController();
  const waiting: { count: number; resolve: () => void }[] = [];
  const fake: GoogleFake = {
    url: "",
    tokenUri: "",
    mobile: [],
    chromeos: [],
    users: [],
    usage: new Map(),
    usageLagDays: 2,
    usageLagWithoutDate: false,
    usageLagAnswer: "error",
    activities: new Map(),
    pageSize: 100,
    expiresIn: 3600,
    delayMs: 0,
    delayedAnswers: 0,
    received: (count) =>
      fake.requests.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    failures: [],
    requests: [],
    tokenRequests: 0,
    close: () => {
      closing.abort();
      return server.shutdown();
    },
  };

  async function token(req: Request): Promise<Response> {
    fake.tokenRequests++;
    const form = new URLSearchParams(await req.text());
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
    }
    try {
      const { payload } = await jwtVerify(form.get("assertion") ?? "", options.publicKey, {
        algorithms: ["RS256"],
        issuer: options.clientEmail,
        subject: options.subject,
        audience: fake.tokenUri,
        currentDate: now(),
      });
      if (typeof payload.scope !== "string" || payload.scope === "") throw new Error("no scope");
    } catch {
      return Response.json(
        { error: "invalid_grant", error_description: "Invalid JWT Signature." },
        { status: 400 },
      );
    }
    const value = `fake-token-${fake.tokenRequests}`;
    issued.add(value);
    return Response.json({ access_token: value, expires_in: fake.expiresIn, token_type: "Bearer" });
  }

  /**
   * `orderBy=deviceId` with `sortOrder` (the mobile list's documented ordering; the sort is the
   * fake's, kept between pages of an unchanged list), else the list as it is.
   */
  const sorted = new Map<string, { from: unknown[]; length: number; items: unknown[] }>();
  function ordered(items: unknown[], params: URLSearchParams, whole: boolean): unknown[] {
    if (params.get("orderBy") !== "deviceId") return items;
    const order = params.get("sortOrder") ?? "ASCENDING";
    const kept = sorted.get(order);
    if (whole && kept?.from === fake.mobile && kept.length === items.length) return kept.items;
    const key = (d: unknown) => String((d as { deviceId?: unknown }).deviceId ?? "");
    const out = [...items].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    if (order === "DESCENDING") out.reverse();
    if (whole) sorted.set(order, { from: fake.mobile, length: items.length, items: out });
    return out;
  }

  function page(items: unknown[], params: URLSearchParams, field: string): Response {
    const start = Number(params.get("pageToken") ?? "0");
    const size = Math.min(fake.pageSize, Number(params.get("maxResults") ?? fake.pageSize));
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? { nextPageToken: String(start + size) } : {};
    return Response.json({ kind: "fake", [field]: slice, ...next });
  }

  function api(path: string, params: URLSearchParams): Response {
    const failure = fake.failures.find((f) => f.times > 0 && path.includes(f.match));
    if (failure) {
      failure.times--;
      return Response.json(
        failure.body ??
          { error: { code: failure.status, message: `Injected failure ${failure.status}` } },
        { status: failure.status, ...(failure.headers ? { headers: failure.headers } : {}) },
      );
    }
    const query = params.get("query") ?? "";
    if (path === `${DIRECTORY}mobile`) {
      const email = query.replace(/^email:/, "").toLowerCase();
      const mine = fake.mobile.filter((d) =>
        !query ||
        ((d as { email?: string[] }).email ?? []).some((e) => e.toLowerCase().includes(email))
      );
      return page(ordered(mine, params, !query), params, "mobiledevices");
    }
    if (path === `${DIRECTORY}chromeos`) {
      const email = query.replace(/^recent_user:/, "");
      const mine = fake.chromeos.filter((d) =>
        !query ||
        ((d as { recentUsers?: { email?: string }[] }).recentUsers ?? []).some((u) =>
          u.email === email
        )
      );
      return page(mine, params, "chromeosdevices");
    }
    if (path === "/admin/directory/v1/users") return page(fake.users, params, "users");
    const usage = USAGE_RE.exec(path);
    if (usage) {
      const until = new Date(now().getTime() - fake.usageLagDays * 86_400_000).toISOString()
        .slice(0, 10);
      if (usage[2]! > until && fake.usageLagAnswer === "warning") {
        return Response.json({
          kind: "admin#reports#usageReports",
          warnings: [{
            code: "DATA_NOT_AVAILABLE",
            message: `Sorry, data for date ${
              usage[2]
            } for application "accounts" is not available.`,
            data: [{ key: "application_name", value: "accounts" }],
          }],
        });
      }
      if (usage[2]! > until) {
        const message = fake.usageLagWithoutDate
          ? "Data for the requested date is not yet available. Please check back later"
          : `Data for dates later than ${until} is not yet available. Please check back later`;
        return Response.json({
          error: {
            code: 400,
            message,
            errors: [{ message, domain: "global", reason: "invalid" }],
            status: "INVALID_ARGUMENT",
          },
        }, { status: 400 });
      }
      const reports = fake.usage.get(decodeURIComponent(usage[1]!));
      if (!reports) {
        return Response.json({ error: { code: 404, message: "Not found" } }, { status: 404 });
      }
      return Response.json({ kind: "admin#reports#usageReports", usageReports: reports });
    }
    const activity = ACTIVITY_RE.exec(path);
    if (activity) {
      return page(fake.activities.get(decodeURIComponent(activity[1]!)) ?? [], params, "items");
    }
    return Response.json({ error: { code: 404, message: "No such path" } }, { status: 404 });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const authorization = req.headers.get("authorization");
    fake.requests.push({
      method: req.method,
      path: url.pathname,
      params: url.searchParams,
      authorization,
    });
    for (const w of waiting.filter((w) => fake.requests.length >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    if (url.pathname === "/token" && req.method === "POST") return await token(req);
    if (fake.delayMs > 0) {
      const finished = await delay(fake.delayMs, closing.signal);
      if (!finished) return new Response(null, { status: 503 });
      fake.delayedAnswers++;
    }
    const bearer = authorization?.replace(/^Bearer /i, "") ?? "";
    if (!issued.has(bearer)) {
      return Response.json({ error: { code: 401, message: "Invalid Credentials" } }, {
        status: 401,
      });
    }
    return api(url.pathname, url.searchParams);
  });
  fake.url = `http://127.0.0.1:${server.addr.port}/`;
  fake.tokenUri = `${fake.url}token`;
  return fake;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, signal).then(() => true, () => false);
}
