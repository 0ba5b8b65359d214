/**
 * The plugin registry: an explicit table, `name → kinds, timeout keys, loader`. Adding a plugin is
 * one file plus one line here. Loading is lazy: a plugin that is not configured is never imported,
 * so a deployment without Google never loads `googleapis`.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { formatIssues, pathText } from "../config/problems.ts";
import type { Logger } from "../config/log.ts";
import { ownerKey } from "../engine/identity/ownership.ts";
import type { Store } from "../engine/core/store_ports.ts";
import { MetricsRegistry } from "../config/metrics.ts";
import {
  type AnyPluginModule,
  missingMethods,
  type PluginInstance,
  type PluginKind,
  type PortsByKind,
  serves,
} from "./plugin.ts";

/**
 * One row of the registry: how to load the plugin module (which declares its kinds and summary,
 * see `definePlugin`), and the config keys of its timeout when they are not just `TIMEOUT` (read
 * before loading, e.g. by `batch --timeout`).
 */
export interface RegistryEntry {
  load: () => Promise<{ default: AnyPluginModule }>;
  /** Config keys holding this plugin's timeout in seconds, most specific first (default `TIMEOUT`). */
  timeoutKeys?: readonly string[];
}

const JAMF = ["JAMF_TIMEOUT", "TIMEOUT"] as const;
const BITFIT = ["BITFIT_TIMEOUT", "TIMEOUT"] as const;

/** Every plugin Stethoscope knows. */
export const REGISTRY: Readonly<Record<string, RegistryEntry>> = {
  demo: { load: () => import("./sources/demo.ts") },
  jamf: { load: () => import("./sources/jamf.ts"), timeoutKeys: JAMF },
  google: { load: () => import("./sources/google/mod.ts") },
  landesk: { load: () => import("./sources/landesk.ts") },
  bitfit: { load: () => import("./sources/bitfit.ts"), timeoutKeys: BITFIT },
  file: { load: () => import("./sources/file.ts") },
  jamf_pro: { load: () => import("./sources/jamf_pro/mod.ts"), timeoutKeys: JAMF },
  intune: { load: () => import("./sources/intune/mod.ts") },
  duo: { load: () => import("./sources/duo.ts") },
  es_notifications: { load: () => import("./es_notifications.ts") },
  restful_feedback: { load: () => import("./restful_feedback.ts") },
  es_logger: { load: () => import("./es_logger.ts") },
  atlas: { load: () => import("./atlas.ts") },
  batch_es: { load: () => import("./batch_es.ts") },
  batch_restful_summary: { load: () => import("./batch_restful_summary.ts") },
  re_filter: { load: () => import("./transforms/re_filter.ts") },
  mac_manufacturer: { load: () => import("./transforms/mac_manufacturer.ts") },
  vpn_labeler: { load: () => import("./transforms/vpn_labeler.ts") },
  slack: { load: () => import("./nudges/slack.ts") },
  email: { load: () => import("./nudges/email.ts") },
};

/** A created plugin with the kinds it serves (each checked with `missingMethods` at creation). */
export interface LoadedPlugin {
  name: string;
  kinds: readonly PluginKind[];
  instance: PluginInstance;
}

/**
 * The loaded plugins that serve `kind`, as that kind's port.
 *
 * @param plugins the loaded plugins
 * @param kind the role wanted
 * @returns their instances, typed as the port of `kind`, in load order
 */
export function pluginsOf<K extends PluginKind>(
  plugins: readonly LoadedPlugin[],
  kind: K,
): PortsByKind[K][] {
  return plugins.flatMap((p) =>
    p.kinds.includes(kind) && serves(p.instance, kind) ? [p.instance] : []
  );
}

/** Thrown when plugins cannot be loaded; one line per problem. */
export class PluginConfigError extends Error {
  override name = "PluginConfigError";
  readonly problems: string[];
  /** @param problems one line each */
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

/** Options of {@link loadPlugins}. */
export interface LoadOptions {
  log: Logger;
  store: Store;
  now?: () => Date;
  /** The process's metrics registry, handed to each plugin (default: a registry of its own). */
  metrics?: MetricsRegistry;
  /** Replaces the registry (tests). */
  registry?: Readonly<Record<string, RegistryEntry>>;
}

/**
 * Imports, validates and creates every enabled plugin (`PLUGINS_ENABLED`, else the keys of
 * `PLUGINS`). Unknown names and invalid plugin config stop start-up with every problem listed.
 *
 * @throws {PluginConfigError} listing every problem
 */
export async function loadPlugins(config: Config, options: LoadOptions): Promise<LoadedPlugin[]> {
  const { prepared, problems } = await prepareSections(
    config.PLUGINS,
    config.PLUGINS_ENABLED,
    options.registry ?? REGISTRY,
  );
  if (problems.length > 0) throw new PluginConfigError(problems);

  const loaded: LoadedPlugin[] = [];
  const owners = ownerKey(config.EMAIL_DOMAIN_ALIASES ?? []);
  const metrics = options.metrics ?? new MetricsRegistry();
  for (const p of prepared) {
    if (p === null) continue;
    const timeoutMs = timeoutFor(
      p.section,
      p.entry.timeoutKeys ?? ["TIMEOUT"],
      config.DEFAULT_TIMEOUT,
    );
    try {
      const instance = await p.module.create(p.value, {
        name: p.name,
        timeoutMs,
        log: options.log.child({ plugin: p.name }),
        store: options.store,
        now: options.now ?? (() => new Date()),
        demo: config.demo,
        ownerKey: owners,
        lookupMaxPages: config.BUDGETS.LOOKUP_MAX_PAGES,
        metrics,
      });
      const missing = p.module.kinds.flatMap((k) =>
        missingMethods(instance, k).map((m) => `${m} (kind ${k})`)
      );
      if (missing.length > 0) {
        problems.push(`${pathText(["PLUGINS", p.name])}: the plugin lacks ${missing.join(", ")}`);
        continue;
      }
      loaded.push({ name: p.name, kinds: p.module.kinds, instance });
    } catch (error: unknown) {
      problems.push(`${pathText(["PLUGINS", p.name])}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new PluginConfigError(problems);
  return loaded;
}

/** The plugin's deadline in ms: its own timeout key, else `DEFAULT_TIMEOUT`; null for none. */
export function timeoutFor(
  section: Record<string, unknown>,
  keys: readonly string[],
  fallback: number | false,
): number | null {
  for (const key of keys) {
    const v = section[key];
    if (typeof v === "number" && v > 0) return Math.round(v * 1000);
  }
  return fallback === false ? null : Math.round(fallback * 1000);
}

/** The known name closest to `name`, if it is a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * The problems of the plugin sections alone: unknown plugin names (with the closest known name)
 * and sections their plugin's schema refuses, one line each as `PLUGINS.<name>.<key>: …`. Used by
 * `check-config` to list them together with the top-level problems of a file that does not load.
 *
 * @param plugins the `PLUGINS` object as written (after `{"env": …}` references are resolved)
 * @param enabled `PLUGINS_ENABLED`, or undefined for every key of `plugins`
 * @returns one line per problem; empty when every section is valid
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pluginSectionProblems } from "./registry.ts";
 * const [line] = await pluginSectionProblems({ jamff: {} }, undefined);
 * assert.match(line!, /^PLUGINS\.jamff: unknown plugin \(did you mean "jamf"\?\); known: /);
 * ```
 */
export async function pluginSectionProblems(
  plugins: Readonly<Record<string, unknown>>,
  enabled: readonly string[] | undefined,
): Promise<string[]> {
  // A section that is not an object is refused by its plugin's schema like any other mistake.
  const sections = plugins as Readonly<Record<string, Record<string, unknown>>>;
  return (await prepareSections(sections, enabled, REGISTRY)).problems;
}

/** Unknown names first (nothing else is read then); else each section through its schema. */
async function prepareSections(
  plugins: Readonly<Record<string, Record<string, unknown>>>,
  enabledNames: readonly string[] | undefined,
  registry: Readonly<Record<string, RegistryEntry>>,
) {
  const enabled = enabledNames ?? Object.keys(plugins);
  const problems: string[] = [];
  const known = Object.keys(registry);
  for (const name of enabled) {
    if (!Object.hasOwn(registry, name)) {
      const hint = closest(name, known);
      problems.push(
        `PLUGINS.${name}: unknown plugin${hint ? ` (did you mean "${hint}"?)` : ""}; known: ${
          known.join(", ")
        }`,
      );
    }
  }
  if (problems.length > 0) return { prepared: [], problems };

  const prepared = await Promise.all(enabled.map(async (name) => {
    const entry = registry[name]!;
    const module = (await entry.load()).default;
    const section = plugins[name] ?? {};
    const parsed = module.schema.safeParse(section);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, ["PLUGINS", name], section));
      return null;
    }
    return { name, entry, module, value: parsed.data, section };
  }));
  return { prepared, problems };
}
