/**
 * What a plugin module exports, and what it is handed when created.
 *
 * @module
 */
import { z, z as zod } from "zod";
import type { Logger } from "../config/log.ts";
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
  Store,
} from "../engine/ports.ts";

/** The roles a plugin can play (DESIGN.md §5.3). */
export type PluginKind =
  | "devices"
  | "ownership"
  | "accounts"
  | "events"
  | "notifications"
  | "feedback"
  | "device_transform"
  | "event_transform"
  | "request_logger"
  | "failure_logger"
  | "batch";

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
   * The engine's comparison key of an owner's address (`engine/ownership.ts` `ownerKey`: ASCII
   * letter case folded, `EMAIL_DOMAIN_ALIASES` applied), for sources that check owners themselves:
   * two addresses name one person when their keys are equal. Absent: `foldEmail` (no aliases).
   */
  ownerKey?: (email: string) => string;
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
  >;

/** What every plugin file exports. */
export interface PluginModule<C = unknown> {
  /** Validates the plugin's `PLUGINS.<name>` section (the original's key names). */
  schema: z.ZodType<C, unknown>;
  /** Builds the instance from its validated config. */
  create(config: C, context: PluginContext): PluginInstance | Promise<PluginInstance>;
}

/** A plugin module of any config type, as the registry holds it. */
export interface AnyPluginModule {
  schema: z.ZodType<unknown, unknown>;
  create(config: never, context: PluginContext): PluginInstance | Promise<PluginInstance>;
}

/**
 * Declares a plugin module with its config type inferred from the schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * export default definePlugin(z.object({ URL: z.url() }), (config, ctx) => ({
 *   name: ctx.name,
 *   timeoutMs: ctx.timeoutMs,
 *   checkConnectivity: () => fetch(config.URL).then((r) => r.body?.cancel()),
 * }));
 * ```
 */
export function definePlugin<S extends z.ZodType>(
  schema: S,
  create: (config: z.infer<S>, context: PluginContext) => PluginInstance | Promise<PluginInstance>,
): PluginModule<z.infer<S>> {
  return { schema: schema as z.ZodType<z.infer<S>, unknown>, create };
}

/** A timeout in seconds, as in the original (`TIMEOUT`, `JAMF_TIMEOUT`, `DEFAULT_TIMEOUT`). */
export const timeoutSeconds: z.ZodOptional<z.ZodNumber> = zod.number().positive().max(3600)
  .optional();
