/**
 * Wires a validated configuration into running services: the store, the plugins (lazily loaded
 * through the registry), the engine, and the feedback outbox worker.
 *
 * @module
 */
import type { NudgeChannel } from "../engine/nudges/nudge_ports.ts";
import { createNudgeWorker, type NudgeWorker } from "../engine/nudges/nudge_outbox.ts";
import type { Logger } from "../config/log.ts";
import { type Config, ReleaseDataSchema } from "../config/schema.ts";
import { DEFAULT_PRACTICES } from "../engine/practices/default_practices.ts";
import {
  createEngine,
  type Engine,
  type EngineOptions,
  type EngineParts,
} from "../engine/engine.ts";
import type { SnapshotSettings } from "../engine/view/snapshots.ts";
import { createOutboxWorker, type OutboxWorker } from "../engine/core/outbox.ts";
import { createOwnershipGuard, type OwnershipGuard } from "../engine/identity/ownership.ts";
import { PracticesConfigSchema } from "../engine/practices/practice_config.ts";
import { buildPracticeSet } from "../engine/practices/practices.ts";
import type {
  BatchSink,
  FailureLogger,
  FeedbackSink,
  RequestLogger,
} from "../engine/core/ports.ts";
import type { Store } from "../engine/core/store_ports.ts";
import type { MetricsRegistry } from "../config/metrics.ts";
import { sleep } from "../lib/abort.ts";
import { createRefreshQueue, type RefreshQueue } from "../engine/view/refresh_queue.ts";
import { refreshBudgetProblems, refreshBudgets } from "./refresh_budgets.ts";
import { serves } from "./plugin.ts";
import { esKwargsSchema } from "./elasticsearch.ts";
import {
  type LoadedPlugin,
  loadPlugins,
  PluginConfigError,
  pluginsOf,
  type RegistryEntry,
} from "./registry.ts";
import { formatIssues } from "../config/problems.ts";
import type { ReleaseOptions } from "../engine/practices/practice_policies.ts";
import { createReleaseService, type ReleaseService } from "./releases/mod.ts";

/** Everything a Stethoscope process runs on. */
export interface Services {
  config: Config;
  store: Store;
  log: Logger;
  plugins: LoadedPlugin[];
  engine: Engine;
  feedbackSinks: Map<string, FeedbackSink>;
  requestLoggers: RequestLogger[];
  failureLoggers: FailureLogger[];
  batchSinks: BatchSink[];
  outbox: OutboxWorker;
  /** The configured nudge channels by plugin name (`NUDGES.CHANNELS` narrows them). */
  nudgeChannels: Map<string, NudgeChannel>;
  /** Delivers queued nudges and their retries; `null` unless `NUDGES.ENABLED` with a channel. */
  nudgeWorker: NudgeWorker | null;
  /** Where stale views' refreshes wait for the sources' budgets (its length and counts: `/metrics`). */
  refreshQueue: RefreshQueue;
  /** Current OS releases and lifecycles (feeds → store copy → shipped file); `start()` refreshes. */
  releases: ReleaseService;
  /**
   * In demo mode, the built-in demo people (the sign-in page lists them, the start-up batch run
   * looks them up); empty otherwise. Routes and the CLI get them here, never from the demo data.
   */
  demoPeople: readonly { email: string; name: string; story: string }[];
  /** Stops background work and closes plugins and the store. */
  close(): Promise<void>;
}

/**
 * The configured nudge channels (plugins of kind `nudges`) by name; `NUDGES.CHANNELS` narrows them.
 *
 * @param plugins the loaded plugins
 * @param config the configuration (its `NUDGES.CHANNELS`)
 * @returns name → channel, in load order
 */
export function nudgeChannels(
  plugins: readonly LoadedPlugin[],
  config: Config,
): Map<string, NudgeChannel> {
  const wanted = config.NUDGES.CHANNELS;
  return new Map(
    plugins.flatMap((p) =>
      p.kinds.includes("nudges") && serves(p.instance, "nudges") &&
        (wanted === undefined || wanted.includes(p.name))
        ? [[p.name, p.instance] as const]
        : []
    ),
  );
}

/** Opens the configured store. */
export async function openStore(config: Config, log: Logger, now?: () => Date): Promise<Store> {
  const s = config.STORE;
  if (s.TYPE === "sqlite") {
    const { createSqliteStore } = await import("./stores/sqlite.ts");
    return await createSqliteStore({ path: s.PATH, log, ...(now ? { now } : {}) });
  }
  const kwargs = esKwargsSchema.optional().safeParse(s.ELASTICSEARCH_KWARGS);
  if (!kwargs.success) {
    throw new PluginConfigError(
      formatIssues(kwargs.error.issues, ["STORE", "ELASTICSEARCH_KWARGS"]),
    );
  }
  const { createElasticsearchStore } = await import("./stores/elasticsearch.ts");
  return await createElasticsearchStore({
    ELASTICSEARCH_HOSTS: [...s.ELASTICSEARCH_HOSTS],
    ELASTICSEARCH_INDEX_PREFIX: s.ELASTICSEARCH_INDEX_PREFIX,
    ELASTICSEARCH_KWARGS: kwargs.data,
    log,
    ...(now ? { now } : {}),
  });
}

/** The `SNAPSHOTS` section in the engine's units. */
export function snapshotSettings(config: Config): SnapshotSettings {
  const s = config.SNAPSHOTS;
  return {
    freshMs: s.FRESH_SECONDS * 1000,
    checkAgainMs: s.CHECK_AGAIN_SECONDS * 1000,
    keepDays: s.KEEP_DAYS,
  };
}

/**
 * The engine's ownership guard for this configuration (`EMAIL_DOMAIN_ALIASES`), logging drops of
 * another person's records once per source burst.
 */
export function ownershipGuard(config: Config, log: Logger): OwnershipGuard {
  return createOwnershipGuard({
    aliases: config.EMAIL_DOMAIN_ALIASES ?? [],
    reports: {
      failing: (e) =>
        log.warn("records of another owner dropped", {
          source: e.source,
          operation: e.operation,
          detail: e.message,
        }),
      repeated: (e, count) =>
        log.debug("records of another owner dropped again", { source: e.source, answers: count }),
      recovered: (source, answers) =>
        log.info("source answers only the person's records again", { source, answers }),
    },
  });
}

/** The names of the plugins one lookup of a person asks (devices, ownership, accounts, events). */
function lookupSourceNames(plugins: LoadedPlugin[]): string[] {
  const asked = ["devices", "ownership", "accounts", "events"] as const;
  return [
    ...new Set(plugins.filter((p) => asked.some((k) => p.kinds.includes(k))).map((p) => p.name)),
  ];
}

/** Groups loaded plugins by the port each serves; `releases` feeds the OS policies. */
export function engineParts(
  plugins: LoadedPlugin[],
  config: Config,
  releases: ReleaseOptions = {},
): EngineParts {
  const practicesConfig = PracticesConfigSchema.parse(config.PRACTICES ?? DEFAULT_PRACTICES);
  return {
    deviceSources: pluginsOf(plugins, "devices"),
    ownershipSources: pluginsOf(plugins, "ownership"),
    accountSources: pluginsOf(plugins, "accounts"),
    eventSources: pluginsOf(plugins, "events"),
    notificationSources: pluginsOf(plugins, "notifications"),
    deviceTransforms: pluginsOf(plugins, "device_transform"),
    eventTransforms: pluginsOf(plugins, "event_transform"),
    practices: buildPracticeSet(practicesConfig, config.PRACTICES_ENABLED, releases),
  };
}

/**
 * Builds every service from the configuration.
 *
 * @throws {PluginConfigError} when a plugin is unknown or misconfigured, or a refresh budget names
 *   no loaded source
 */
export async function assemble(
  config: Config,
  options: {
    log: Logger;
    now?: () => Date;
    store?: Store;
    registry?: Readonly<Record<string, RegistryEntry>>;
    /** The metrics hook, told about every source call (see `EngineOptions.onCall`). */
    onCall?: EngineOptions["onCall"];
    /** The process's metrics registry, for the plugins (`PluginContext.metrics`). */
    metrics?: MetricsRegistry;
  },
): Promise<Services> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const store = options.store ?? await openStore(config, log, now);
  let plugins: LoadedPlugin[];
  try {
    plugins = await loadPlugins(config, {
      log,
      store,
      now,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
    });
    const budgetProblems = refreshBudgetProblems(
      lookupSourceNames(plugins),
      config.SNAPSHOTS.REFRESH_BUDGETS,
    );
    if (budgetProblems.length > 0) throw new PluginConfigError(budgetProblems);
  } catch (error: unknown) {
    await store.close();
    throw error;
  }
  const releaseConfig = config.RELEASE_DATA ?? ReleaseDataSchema.parse({});
  const releases = createReleaseService({
    config: releaseConfig,
    store: store.releaseFeeds,
    log: log.child({ plugin: "releases" }),
    now,
    fetch: releaseConfig.FETCH ?? !config.demo,
  });
  await releases.load();
  const onError = (what: string, error: unknown) =>
    log.warn(`cannot ${what}`, { error: String(error) });
  const asked = lookupSourceNames(plugins);
  const refreshQueue = createRefreshQueue({
    budgets: refreshBudgets(
      asked,
      config.SNAPSHOTS.REFRESH_BUDGETS,
      config.SNAPSHOTS.REFRESH_SHARE,
    ),
    tokens: store.coordination,
    now,
    sleep,
    onError,
  });
  const engine = createEngine({
    ...engineParts(plugins, config, { releases, now }),
    ownership: ownershipGuard(config, log),
  }, {
    store,
    exemptions: store.exemptions,
    exemptionMaxDays: config.EXEMPTIONS.MAX_DAYS,
    exemptionTimeZone: config.UI.timeZone,
    now,
    snapshots: snapshotSettings(config),
    onError,
    refreshQueue,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });
  const feedbackSinks = new Map(
    plugins.flatMap((p) =>
      p.kinds.includes("feedback") && serves(p.instance, "feedback")
        ? [[p.name, p.instance] as const]
        : []
    ),
  );
  const outbox = createOutboxWorker({ outbox: store.outbox, sinks: feedbackSinks, log, now });
  const channels = nudgeChannels(plugins, config);
  const nudgeWorker = config.NUDGES.ENABLED && channels.size > 0
    ? createNudgeWorker({ ledger: store.nudges, channels, log: log.child({ part: "nudges" }), now })
    : null;
  return {
    config,
    store,
    log,
    plugins,
    engine,
    feedbackSinks,
    requestLoggers: pluginsOf(plugins, "request_logger"),
    failureLoggers: pluginsOf(plugins, "failure_logger"),
    batchSinks: pluginsOf(plugins, "batch"),
    outbox,
    nudgeChannels: channels,
    nudgeWorker,
    releases,
    refreshQueue,
    demoPeople: config.demo ? (await import("./sources/demo_people.ts")).DEMO_PEOPLE : [],
    async close() {
      // Everything that reads or writes the store stops first; the store closes last.
      refreshQueue.stop();
      await refreshQueue.idle();
      await releases.close(); // a feed read in flight is aborted and ends
      await outbox.stop();
      await nudgeWorker?.stop();
      await lookupsSettled(engine, plugins);
      for (const p of plugins) {
        try {
          await p.instance.close?.();
        } catch (error: unknown) {
          log.warn("plugin did not close cleanly", { plugin: p.name, error: String(error) });
        }
      }
      await store.close();
    },
  };
}

/**
 * Waits until no lookup runs (a background snapshot refresh a request started, which saves the
 * snapshot when it ends), at most the longest plugin deadline plus a second: every lookup ends by
 * its sources' deadlines. Polls `engine.views.inFlight` every 20 ms (the view service offers no
 * promise for it).
 */
async function lookupsSettled(engine: Engine, plugins: readonly LoadedPlugin[]): Promise<void> {
  const longest = Math.max(10_000, ...plugins.map((p) => p.instance.timeoutMs ?? 0));
  const until = performance.now() + longest + 1_000;
  while (engine.views.inFlight > 0 && performance.now() < until) {
    await sleep(20);
  }
}
