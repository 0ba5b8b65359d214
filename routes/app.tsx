/**
 * The web app: middleware (request log, security headers, CSRF, session) and the sub-apps.
 *
 * @module
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import { csrf } from "hono/csrf";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { api } from "./api/api.ts";
import { createAssets } from "./assets.ts";
import { auth } from "./signin/auth.tsx";
import { dashboard } from "./pages/dashboard.tsx";
import { dashboardNudges } from "./pages/dashboard_nudges.tsx";
import { dashboardDevices } from "./pages/dashboard_devices.tsx";
import { dashboardApi } from "./api/dashboard_api.ts";
import { reportRoutes } from "./security/reports.tsx";
import { exemptionRoutes } from "./security/exemptions.tsx";
import { securityApi } from "./api/security_api.ts";
import type { Logger } from "../config/log.ts";
import type { Config } from "../config/schema.ts";
import { createBurstTracker } from "../engine/view/bursts.ts";
import type { Services } from "../plugins/assemble.ts";
import type { OnCall } from "../engine/view/gaps.ts";
import type { AppDeps, AppEnv, Ctx } from "./context.ts";
import { batchMetrics, Metrics, refreshMetrics } from "./ops/metrics.ts";
import { health } from "./ops/health.ts";
import { notifications } from "./pages/notifications.tsx";
import { overview } from "./pages/overview.tsx";
import { devices } from "./pages/devices.tsx";
import { accounts } from "./pages/accounts.tsx";
import { activity } from "./pages/activity.tsx";
import { faq } from "./pages/faq.tsx";
import { bodyLimits } from "./guards/body_limit.ts";
import { checkAgain } from "./pages/check_again.tsx";
import { nudgeRoutes } from "./pages/nudges.tsx";
import { privateResponses } from "./guards/private_responses.ts";
import { assetUrls, errorPage } from "./rendering/render.tsx";
import { trustedHosts } from "./guards/hosts.ts";
import { DEFAULT_LIMITS, DEMO_LOGIN_LIMIT, type Limit, rateLimits } from "./guards/rate_limit.ts";
import { isPrivileged } from "./signin/privilege.ts";
import { readSession } from "./signin/session.ts";
import { refusalAnswer } from "./refusals.ts";

function limitOf(
  configured: { REQUESTS: number; PER_SECONDS: number } | undefined,
  fallback: Limit,
): Limit {
  return configured
    ? { requests: configured.REQUESTS, perSeconds: configured.PER_SECONDS }
    : fallback;
}

const PUBLIC_PATHS_RE = /^\/(login|logout|healthz|readyz|metrics|static\/|api\/|auth\/)/;

/** What the engine is built with to feed the metrics (see {@link sourceObservers}). */
export interface SourceObservers {
  metrics: Metrics;
  /** The engine's `onCall` hook: metrics (calls, errors, gaps), and the log once per failure burst. */
  onCall: OnCall;
}

/**
 * Fresh metrics and the hook the engine is built with (`assemble(config, { onCall })`): every
 * source call goes into the metrics, and into the log once per failure burst.
 *
 * @param log where failures and recoveries are written
 * @returns the metrics and the hook; give the metrics to {@link depsFrom}
 */
export function sourceObservers(log: Logger): SourceObservers {
  const metrics = new Metrics();
  const bursts = createBurstTracker({
    failing: (e) =>
      log.error("source failing", {
        source: e.source,
        operation: e.operation,
        kind: e.kind,
        error: e.message,
      }),
    repeated: (e, count) =>
      log.debug("source still failing", { source: e.source, failures: count }),
    recovered: (source, failures) => log.info("source recovered", { source, failures }),
  });
  return {
    metrics,
    onCall(source, seconds, error, gaps) {
      metrics.sourceCall(source, seconds, error?.kind ?? "ok");
      metrics.sourceGaps(gaps);
      bursts.record(source, error);
    },
  };
}

/**
 * The app's services from an assembled process: the metrics (those the engine was built with,
 * see {@link sourceObservers}) with the outbox depth and audit drops added.
 *
 * @param services what `assemble()` built
 * @returns everything {@link createApp} needs but the configuration overrides given
 */
export function depsFrom(
  services: Services,
  options: { log: Logger; now: () => Date; config?: Config; metrics?: Metrics },
): AppDeps {
  const metrics = options.metrics ?? new Metrics();
  metrics.gauge(
    "stethoscope_outbox_depth",
    "Answers waiting in the outbox for a feedback sink (shared by every process on the store).",
    () => services.store.outbox.outboxDepth(),
  );
  // snapshots (issue 13): how many people have one, and lookups running now (single flight)
  metrics.gauge(
    "stethoscope_snapshots",
    "People with a snapshot in the store.",
    () => services.store.snapshots.snapshotCount(),
  );
  metrics.gauge(
    "stethoscope_lookups_in_flight",
    "Lookups of a person running now in this process.",
    () => services.engine.views.inFlight,
  );
  metrics.gauge(
    "stethoscope_audit_dropped_total",
    "Audit records the request loggers could not write, since the start.",
    () =>
      services.requestLoggers.reduce((n, l) => n + ((l as { dropped?: number }).dropped ?? 0), 0),
  );
  metrics.gauge(
    "stethoscope_release_data_age_days",
    "Age of the OS release data in use, in days.",
    () => services.releases.status().ageDays,
  );
  batchMetrics(metrics, services.store.batchRuns);
  refreshMetrics(metrics, services.refreshQueue);
  return {
    config: options.config ?? services.config,
    releaseStatus: () => services.releases.status(),
    engine: services.engine,
    store: services.store,
    log: options.log,
    now: options.now,
    feedbackSinks: [...services.feedbackSinks.keys()],
    requestLoggers: services.requestLoggers,
    failureLoggers: services.failureLoggers,
    metrics,
    demoPeople: services.demoPeople,
    nudgeChannels: [...services.nudgeChannels.keys()],
  };
}

/**
 * Builds the Hono app over the given services.
 *
 * @param deps the wired services
 * @returns the app; serve it with `Deno.serve(app.fetch)` or test it with `app.request()`
 */
export async function createApp(deps: AppDeps): Promise<Hono<AppEnv>> {
  const { config, log, metrics } = deps;
  const assets = await createAssets();
  Object.assign(assetUrls, assets.urls);
  const https = (config.PUBLIC_ORIGIN ?? "").startsWith("https:");

  const app = new Hono<AppEnv>();

  // Outside every route and error handler: no-store / Vary on all but public assets.
  app.use(privateResponses());

  app.use(trustedHosts({
    trusted: config.TRUSTED_HOSTS,
    behindProxy: config.PUBLIC_ORIGIN !== undefined,
  }));

  app.use(async function requestLog(c, next) {
    const started = performance.now();
    const answered = metrics.requestStarted();
    c.set("deps", deps);
    c.set("user", null);
    try {
      await next();
    } finally {
      answered(c.req.routePath || "unmatched", c.res.status);
    }
    const seconds = (performance.now() - started) / 1000;
    log.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
      user: c.get("user")?.email ?? null,
    });
  });

  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    strictTransportSecurity: https ? "max-age=63072000; includeSubDomains" : false,
    referrerPolicy: "same-origin",
    crossOriginEmbedderPolicy: false,
    removePoweredBy: true,
  }));

  // Before anything reads a body (forms, demo sign-in, the feedback API): bounded on the stream.
  app.use(bodyLimits());

  const trustedProxies = config.TRUSTED_PROXIES ?? [];
  const proxies = trustedProxies.length > 0 ? await import("./guards/proxies.ts") : null;
  const ranges = proxies?.parseProxies(trustedProxies) ?? [];
  app.use(rateLimits({
    login: limitOf(
      config.RATE_LIMITS.LOGIN,
      config.demo ? DEMO_LOGIN_LIMIT : DEFAULT_LIMITS.LOGIN,
    ),
    api: limitOf(config.RATE_LIMITS.API, DEFAULT_LIMITS.API),
    ...(proxies ? { clientOf: (peer, xff) => proxies.clientAddress(peer, xff, ranges) } : {}),
    nowMs: () => deps.now().getTime(),
    shared: deps.store.coordination, // every process on the store counts against one bucket per address
    log: deps.log,
    // a person who switched demo people or retried a sign-in too often gets the styled page
    page: (c, message) => errorPage(c as Ctx, 429, message),
  }));

  app.use(compress());

  app.use(csrf(config.PUBLIC_ORIGIN ? { origin: new URL(config.PUBLIC_ORIGIN).origin } : {}));

  app.use(async function session(c, next) {
    const data = await readSession(c, config, deps.now());
    if (data) {
      const privileged = isPrivileged(config, { email: data.e, groups: data.g ?? [] });
      c.set("user", { email: data.e, privileged, via: "session", csrf: data.csrf });
    }
    await next();
  });

  app.route("/", assets.app);
  app.route("/", health);
  app.route("/", auth);
  app.route("/api/v1", dashboardApi);
  app.route("/api/v1", api);
  app.route("/api/v1", securityApi);

  app.use(async function signedIn(c, next) {
    if (c.get("user") || PUBLIC_PATHS_RE.test(c.req.path)) return await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      return errorPage(c, 401, "Your session has ended. Sign in again.");
    }
    const next_ = c.req.path + (new URL(c.req.url).search || "");
    return c.redirect(`/login?next=${encodeURIComponent(next_)}`, 302);
  });

  app.route("/", overview);
  app.route("/", devices);
  app.route("/", accounts);
  app.route("/", activity);
  app.route("/", faq);
  app.route("/", notifications);
  app.route("/", checkAgain);
  app.route("/", nudgeRoutes);
  app.route("/", dashboardDevices);
  app.route("/", dashboard);
  app.route("/", dashboardNudges);
  app.route("/", reportRoutes);
  app.route("/", exemptionRoutes);

  app.notFound((c) => errorPage(c, 404, "There is no page at this address."));

  app.onError((error, c) => {
    const refused = refusalAnswer(c, error);
    if (refused !== null) return refused;
    log.error("unhandled error", { path: c.req.path, error: String(error) });
    for (const f of deps.failureLoggers) {
      try {
        f.logFailure(error, { route: c.req.routePath });
      } catch {
        // failure loggers must never make things worse
      }
    }
    if (c.req.path.startsWith("/api/")) return c.json({ error: "Internal server error" }, 500);
    return errorPage(c, 500, "Something went wrong on our side. Try again in a moment.");
  });

  return app;
}
