/**
 * The real app in-process, like `tests/support/app.ts`, but with a recording logger handed to the
 * plugins, the store and the routes alike, the real clock (deadlines are real), and any store.
 *
 * @module
 */
import { createLogger, type Level } from "../../config/log.ts";
import type { Config } from "../../config/schema.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { assemble, type Services } from "../../plugins/assemble.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { createApp, depsFrom, sourceObservers } from "../../routes/app.tsx";
import { csrfOf } from "../support/app.ts";

/** One structured log line the app wrote. */
export interface LogLine {
  level: Level;
  msg: string;
  [field: string]: unknown;
}

/** A running app with its log. */
export interface RecordedApp {
  request(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  /** Signs in as a demo person; the session cookie and the page's CSRF token. */
  login(email: string): Promise<{ cookie: string; csrf: string }>;
  services: Services;
  logs: LogLine[];
  close(): Promise<void>;
}

/** Starts the app over `config` (a demo config from `demoWith`) and, optionally, a given store. */
export async function startRecordedApp(
  config: Config,
  options: { store?: Store } = {},
): Promise<RecordedApp> {
  const logs: LogLine[] = [];
  const log = createLogger({ level: "debug", sink: (_l, line) => logs.push(JSON.parse(line)) });
  const now = () => new Date();
  const store = options.store ?? await createSqliteStore({ path: ":memory:", log, now });
  const { metrics, onCall } = sourceObservers(log);
  const services = await assemble(config, { log, now, store, onCall });
  const config_ = {
    ...config,
    RATE_LIMITS: {
      LOGIN: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
      API: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
    },
  };
  const app = await createApp(depsFrom(services, { log, now, config: config_, metrics }));
  const request = async (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set("Cookie", init.cookie);
    if (init.method && init.method !== "GET") headers.set("Origin", "http://localhost");
    return await app.request(`http://localhost${path}`, { ...init, headers });
  };
  return {
    request,
    async login(email) {
      const res = await request("/login/demo", {
        method: "POST",
        body: new URLSearchParams({ email, next: "/" }),
      });
      if (res.status !== 303) throw new Error(`demo login failed: ${res.status}`);
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
      const csrf = csrfOf(await (await request("/", { cookie })).text());
      return { cookie, csrf };
    },
    services,
    logs,
    close: () => services.close(),
  };
}

/** Writes measurements to `bench/results/<name>.json` (gitignored), merged with what is there. */
export async function recordResults(name: string, results: Record<string, unknown>): Promise<void> {
  const dir = new URL("../../bench/results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(await Deno.readTextFile(file));
  } catch {
    // first write
  }
  await Deno.writeTextFile(file, JSON.stringify({ ...previous, ...results }, null, 2) + "\n");
}
