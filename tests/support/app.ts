/**
 * Builds the real app in-process for route tests: the given configuration (demo by default), an
 * in-memory SQLite store, a silent logger and an injectable clock.
 *
 * @module
 */
import { demoConfig } from "../../config/demo.ts";
import { type Logger, silentLogger } from "../../config/log.ts";
import { type Config, ConfigSchema } from "../../config/schema.ts";
import { assemble, type Services } from "../../plugins/assemble.ts";
import type { RegistryEntry } from "../../plugins/registry.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { createApp, depsFrom, sourceObservers } from "../../routes/app.tsx";
import type { Metrics } from "../../routes/ops/metrics.ts";

/** The origin test requests pretend to come from. */
export const ORIGIN = "http://localhost";

/** A running in-process app. */
export interface TestApp {
  request: (path: string, init?: RequestInit & { cookie?: string }) => Promise<Response>;
  /** Signs in as a demo person; returns the session cookie (`name=value`). */
  login: (email: string) => Promise<string>;
  services: Services;
  config: Config;
  metrics: Metrics;
  /** The Hono app itself (for `Deno.serve(app.fetch)` in browser tests). */
  app: Awaited<ReturnType<typeof createApp>>;
  clock: { now: Date };
  close: () => Promise<void>;
}

/** A demo-mode configuration with some keys replaced. */
export function demoWith(patch: Record<string, unknown>): Config {
  const { demo: _demo, ...base } = structuredClone(demoConfig());
  const merged = ConfigSchema.parse({ ...base, ...patch });
  return { ...merged, demo: true };
}

/** Starts the app. */
export async function startApp(
  options: {
    config?: Config;
    registry?: Readonly<Record<string, RegistryEntry>>;
    now?: Date;
    storePath?: string;
    /** Receives the app's structured log (silent by default). */
    log?: Logger;
    /** People the demo sign-in accepts instead of the built-in ones (e.g. a fake upstream's user). */
    demoPeople?: readonly { email: string; name: string; story: string }[];
    /**
     * Stream first views as configured (`SNAPSHOTS.STREAM_AFTER_MS`). By default a test's first
     * view waits for the lookup, so a page is complete (alert count included) however slow the
     * machine is.
     */
    stream?: boolean;
  } = {},
): Promise<TestApp> {
  const clock = { now: options.now ?? new Date("2026-11-26T12:00:00Z") };
  const now = () => clock.now;
  const config = options.config ?? demoConfig();
  const store = await createSqliteStore({
    path: options.storePath ?? ":memory:",
    log: silentLogger,
    now,
  });
  const log = options.log ?? silentLogger;
  const observers = sourceObservers(log);
  const services = await assemble(config, {
    log: silentLogger,
    now,
    store,
    onCall: observers.onCall,
    metrics: observers.metrics,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  // Route tests send many requests from one (unknown) address within one frozen instant: unless a
  // test sets RATE_LIMITS itself, the limits are raised out of the way.
  const limited: Config = config.RATE_LIMITS.LOGIN || config.RATE_LIMITS.API ? config : {
    ...config,
    RATE_LIMITS: {
      LOGIN: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
      API: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
    },
  };
  const appConfig: Config = options.stream
    ? limited
    : { ...limited, SNAPSHOTS: { ...limited.SNAPSHOTS, STREAM_AFTER_MS: 60_000 } };
  const deps = depsFrom(services, { log, now, config: appConfig, metrics: observers.metrics });
  const metrics = deps.metrics;
  const app = await createApp({
    ...deps,
    ...(options.demoPeople ? { demoPeople: options.demoPeople } : {}),
  });
  const request = async (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set("Cookie", init.cookie);
    if (init.method && init.method !== "GET" && !headers.has("Origin")) {
      headers.set("Origin", ORIGIN);
    }
    return await app.request(`${ORIGIN}${path}`, { ...init, headers });
  };
  return {
    request,
    async login(email) {
      const res = await request("/login/demo", {
        method: "POST",
        body: new URLSearchParams({ email, next: "/" }),
      });
      if (res.status !== 303) throw new Error(`demo login failed: ${res.status}`);
      const cookie = res.headers.get("set-cookie") ?? "";
      return cookie.split(";")[0]!;
    },
    services,
    config,
    metrics,
    app,
    clock,
    close: () => services.close(),
  };
}

/** The CSRF token a page carries for the signed-in person. */
export function csrfOf(html: string): string {
  const m = /name="_csrf_token" value="([0-9a-f]{64})"/.exec(html) ??
    /X-CSRF-Token&quot;:&quot;([0-9a-f]{64})/.exec(html);
  if (!m) throw new Error("no CSRF token in page");
  return m[1]!;
}
