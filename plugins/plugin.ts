/**
 * What a plugin module exports, and what it is handed when created.
 *
 * @module
 */
import { z, z as zod } from "zod";
import type { Logger } from "../config/log.ts";
import type { MetricsRegistry } from "../config/metrics.ts";
import type {
  AccountSource,
  BatchSink,
  DeviceSource,
  DeviceTransform,
  EventSource,
  EventTransform,
  FailureLogger,
  FeedbackSink,
  ListingSource,
  NotificationSource,
  OwnershipSource,
  PeopleSource,
  PluginBase,
  RequestLogger,
} from "../engine/core/ports.ts";
import type { Store } from "../engine/core/store_ports.ts";
import type { NudgeChannel } from "../engine/nudges/nudge_ports.ts";

/** The port each role a plugin can play must implement (DESIGN.md §5.3). */
export interface PortsByKind {
  devices: DeviceSource;
  ownership: OwnershipSource;
  accounts: AccountSource;
  events: EventSource;
  notifications: NotificationSource;
  feedback: FeedbackSink;
  device_transform: DeviceTransform;
  event_transform: EventTransform;
  request_logger: RequestLogger;
  failure_logger: FailureLogger;
  batch: BatchSink;
  nudges: NudgeChannel;
}

/** The roles a plugin can play. */
export type PluginKind = keyof PortsByKind;

type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I
  : never;

/** What a plugin of kinds `K` must be: every port of `K`, plus whatever else a plugin offers. */
export type InstanceOf<K extends PluginKind> = PluginInstance & AllOf<PortsByKind[K]>;

/** The methods each kind requires, checked when a plugin is created. */
const REQUIRED: { readonly [K in PluginKind]: readonly string[] } = {
  devices: [],
  ownership: ["ownedDevicesByEmail"],
  accounts: ["accountByEmail"],
  events: ["eventsByEmail"],
  notifications: ["notificationsByEmail"],
  feedback: ["postFeedback"],
  device_transform: ["transformDevices"],
  event_transform: ["transformEvents"],
  request_logger: ["log"],
  failure_logger: ["logFailure"],
  batch: [],
  nudges: ["sendNudge"],
};

/**
 * The methods the port of `kind` requires that `instance` lacks: empty when it serves the kind.
 * A module's `create` is type-checked against its kinds; this checks what it returned at run time.
 *
 * @param instance the created plugin
 * @param kind one of its declared kinds
 * @returns the missing method names
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(missingMethods({ name: "x", timeoutMs: null }, "events"), ["eventsByEmail"]);
 * ```
 */
export function missingMethods(instance: PluginInstance, kind: PluginKind): string[] {
  return REQUIRED[kind].filter((m) => typeof Reflect.get(instance, m) !== "function");
}

/**
 * Whether a created plugin serves `kind` (see {@link missingMethods}); narrows it to the port.
 *
 * @param instance the created plugin
 * @param kind the role asked about
 * @returns `true` when every method the kind requires is a function
 */
export function serves<K extends PluginKind>(
  instance: PluginInstance,
  kind: K,
): instance is PluginInstance & PortsByKind[K] {
  return missingMethods(instance, kind).length === 0;
}

/** What a plugin is handed at creation. */
export interface PluginContext {
  /** The registry name. */
  name: string;
  /** `TIMEOUT` (or the plugin's own timeout key) → `DEFAULT_TIMEOUT`, in milliseconds; null = none. */
  timeoutMs: number | null;
  log: Logger;
  /** The durable store (event caches, outbox). */
  store: Store;
  now: () => Date;
  /** Where the process is served from, for plugins that need to know (never secret). */
  demo: boolean;
  /**
   * The engine's comparison key of an owner's address (`engine/identity/ownership.ts` `ownerKey`: ASCII
   * letter case folded, `EMAIL_DOMAIN_ALIASES` applied), for sources that check owners themselves:
   * two addresses name one person when their keys are equal. Absent: `foldEmail` (no aliases).
   */
  ownerKey?: (email: string) => string;
  /**
   * Pages one person's lookup may read from this source (`BUDGETS.LOOKUP_MAX_PAGES`), for sources
   * that follow upstream paging per person (Graph's `@odata.nextLink`). Absent: 20.
   */
  lookupMaxPages?: number;
  /**
   * The process's metrics registry (`config/metrics.ts`): register a counter once at creation and
   * keep it, e.g. `ctx.metrics?.counter("stethoscope_x_total", "What it counts.", ["source"])`.
   * Always given by `loadPlugins`; absent only where a test builds a plugin by hand.
   */
  metrics?: MetricsRegistry;
}

/** A plugin instance: the base plus whichever ports its kinds promise. */
export type PluginInstance =
  & PluginBase
  & Partial<
    & Omit<DeviceSource, keyof PluginBase>
    & Omit<OwnershipSource, keyof PluginBase>
    & Omit<AccountSource, keyof PluginBase>
    & Omit<EventSource, keyof PluginBase>
    & Omit<NotificationSource, keyof PluginBase>
    & Omit<FeedbackSink, keyof PluginBase>
    & Omit<DeviceTransform, keyof PluginBase>
    & Omit<EventTransform, keyof PluginBase>
    & Omit<RequestLogger, keyof PluginBase>
    & Omit<FailureLogger, keyof PluginBase>
    & Omit<BatchSink, keyof PluginBase>
    & Omit<ListingSource, keyof DeviceSource>
    & Omit<PeopleSource, keyof PluginBase>
    & Omit<NudgeChannel, keyof PluginBase>
  >;

/** What a plugin declares about itself besides its config and factory. */
export interface PluginFacts<K extends PluginKind> {
  /** The roles it plays; its `create` must return every port they need. */
  kinds: readonly K[];
  /** A one-line description for `connectivity` and the README. */
  summary: string;
}

/** What every plugin file exports. */
export interface PluginModule<C = unknown, K extends PluginKind = PluginKind>
  extends PluginFacts<K> {
  /** Validates the plugin's `PLUGINS.<name>` section (the original's key names). */
  schema: z.ZodType<C, unknown>;
  /** Builds the instance from its validated config. */
  create(config: C, context: PluginContext): InstanceOf<K> | Promise<InstanceOf<K>>;
}

/** A plugin module of any config type and kinds, as the registry holds it. */
export interface AnyPluginModule extends PluginFacts<PluginKind> {
  schema: z.ZodType<unknown, unknown>;
  /** Builds the instance; `config` is what `schema` parsed (method syntax: any module fits). */
  create(config: unknown, context: PluginContext): PluginInstance | Promise<PluginInstance>;
}

/**
 * Declares a plugin module: its config type is inferred from the schema, and what `create`
 * returns is type-checked against the ports of the declared kinds.
 *
 * @param schema validates the plugin's `PLUGINS.<name>` section
 * @param create builds the instance from its validated config
 * @param facts the kinds it serves and its one-line summary
 * @returns the module, for `export default`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * const quiet = definePlugin(z.object({}).strict(), (_config, ctx) => ({
 *   name: ctx.name,
 *   timeoutMs: ctx.timeoutMs,
 *   eventsByEmail: () => Promise.resolve([]),
 * }), { kinds: ["events"], summary: "no sign-ins, ever" });
 * assert.deepEqual(quiet.kinds, ["events"]);
 * ```
 */
export function definePlugin<S extends z.ZodType, const K extends PluginKind>(
  schema: S,
  create: (
    config: z.infer<S>,
    context: PluginContext,
  ) => NoInfer<InstanceOf<K>> | Promise<NoInfer<InstanceOf<K>>>,
  facts: PluginFacts<K>,
): PluginModule<z.infer<S>, K> {
  return { ...facts, schema: schema as z.ZodType<z.infer<S>, unknown>, create };
}

/** A timeout in seconds, as in the original (`TIMEOUT`, `JAMF_TIMEOUT`, `DEFAULT_TIMEOUT`). */
export const timeoutSeconds: z.ZodOptional<z.ZodNumber> = zod.number().positive().max(3600)
  .optional();
