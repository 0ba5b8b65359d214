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
import { ownerKey } from "../engine/ownership.ts";
import type { Store } from "../engine/ports.ts";
import type { AnyPluginModule, PluginInstance, PluginKind, PluginModule } from "./plugin.ts";

/** One row of the registry. */
export interface RegistryEntry {
  kinds: readonly PluginKind[];
  /** Config keys holding this plugin's timeout in seconds, most specific first. */
  timeoutKeys: readonly string[];
  load: () => Promise<{ default: AnyPluginModule }>;
  /** A one-line description for `connectivity` and the README. */
  summary: string;
}

const T = ["TIMEOUT"] as const;

/** Every plugin Stethoscope knows. */
export const REGISTRY: Readonly<Record<string, RegistryEntry>> = {
  demo: {
    kinds: ["devices", "accounts", "events", "notifications"],
    timeoutKeys: T,
    load: () => import("./sources/demo.ts"),
    summary: "built-in demo people (demo mode)",
  },
  jamf: {
    kinds: ["devices"],
    timeoutKeys: ["JAMF_TIMEOUT", "TIMEOUT"],
    load: () => import("./sources/jamf.ts"),
    summary: "JAMF Classic API: Macs by owner, serial and MAC",
  },
  google: {
    kinds: ["devices", "accounts", "events"],
    timeoutKeys: T,
    load: () => import("./sources/google/mod.ts"),
    summary: "Google Workspace: mobile and ChromeOS devices, 2-Step Verification, sign-ins",
  },
  landesk: {
    kinds: ["devices"],
    timeoutKeys: T,
    load: () => import("./sources/landesk.ts"),
    summary: "LANDESK/Ivanti over MS SQL: Windows computers by owner, serial and MAC",
  },
  bitfit: {
    kinds: ["ownership"],
    timeoutKeys: ["BITFIT_TIMEOUT", "TIMEOUT"],
    load: () => import("./sources/bitfit.ts"),
    summary: "bitFit asset ownership (seeds serial and MAC lookups)",
  },
  file: {
    kinds: ["devices"],
    timeoutKeys: T,
    load: () => import("./sources/file.ts"),
    summary: "normalised device records from a JSON or NDJSON file or URL",
  },
  jamf_pro: {
    kinds: ["devices"],
    timeoutKeys: ["JAMF_TIMEOUT", "TIMEOUT"],
    load: () => import("./sources/jamf_pro/mod.ts"),
    summary: "Jamf Pro API: Macs by owner email, serial and MAC, native posture; lists for batch",
  },
  intune: {
    kinds: ["devices"],
    timeoutKeys: T,
    load: () => import("./sources/intune/mod.ts"),
    summary: "Microsoft Intune (Graph): managed devices by owner and serial; lists for batch",
  },
  duo: {
    kinds: ["events"],
    timeoutKeys: T,
    load: () => import("./sources/duo.ts"),
    summary: "Duo Admin API authentication log (background poller)",
  },
  es_notifications: {
    kinds: ["notifications"],
    timeoutKeys: T,
    load: () => import("./es_notifications.ts"),
    summary: "alerts from an Elasticsearch index",
  },
  restful_feedback: {
    kinds: ["feedback"],
    timeoutKeys: T,
    load: () => import("./restful_feedback.ts"),
    summary: "forwards answered alerts to a REST endpoint",
  },
  es_logger: {
    kinds: ["request_logger"],
    timeoutKeys: T,
    load: () => import("./es_logger.ts"),
    summary: "audit records of every data access to Elasticsearch",
  },
  atlas: {
    kinds: ["failure_logger"],
    timeoutKeys: T,
    load: () => import("./atlas.ts"),
    summary: "counts unexpected errors in Netflix Atlas",
  },
  batch_es: {
    kinds: ["batch"],
    timeoutKeys: T,
    load: () => import("./batch_es.ts"),
    summary: "batch: each person's devices to monthly Elasticsearch indices (stable ids)",
  },
  batch_restful_summary: {
    kinds: ["batch"],
    timeoutKeys: T,
    load: () => import("./batch_restful_summary.ts"),
    summary: "batch: POSTs the last-14-days device snapshot once to a REST endpoint",
  },
  re_filter: {
    kinds: ["device_transform"],
    timeoutKeys: T,
    load: () => import("./transforms/re_filter.ts"),
    summary: "drops devices whose fields match PATTERN_MAP (virtual machines and the like)",
  },
  mac_manufacturer: {
    kinds: ["device_transform"],
    timeoutKeys: T,
    load: () => import("./transforms/mac_manufacturer.ts"),
    summary: "fills a missing manufacturer from the MAC's IEEE registration",
  },
  vpn_labeler: {
    kinds: ["event_transform"],
    timeoutKeys: T,
    load: () => import("./transforms/vpn_labeler.ts"),
    summary: "labels sign-ins from VPN_CIDRS as VPN",
  },
};

/** A created plugin with the kinds it serves. */
export interface LoadedPlugin {
  name: string;
  kinds: readonly PluginKind[];
  instance: PluginInstance;
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
  const registry = options.registry ?? REGISTRY;
  const enabled = config.PLUGINS_ENABLED ?? Object.keys(config.PLUGINS);
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
  if (problems.length > 0) throw new PluginConfigError(problems);

  const prepared = await Promise.all(enabled.map(async (name) => {
    const entry = registry[name]!;
    const module = (await entry.load()).default as PluginModule<unknown>;
    const section = config.PLUGINS[name] ?? {};
    const parsed = module.schema.safeParse(section);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, ["PLUGINS", name], section));
      return null;
    }
    return { name, entry, module, value: parsed.data, section };
  }));
  if (problems.length > 0) throw new PluginConfigError(problems);

  const loaded: LoadedPlugin[] = [];
  const owners = ownerKey(config.EMAIL_DOMAIN_ALIASES ?? []);
  for (const p of prepared) {
    if (p === null) continue;
    const timeoutMs = timeoutFor(p.section, p.entry.timeoutKeys, config.DEFAULT_TIMEOUT);
    try {
      const instance = await p.module.create(p.value, {
        name: p.name,
        timeoutMs,
        log: options.log.child({ plugin: p.name }),
        store: options.store,
        now: options.now ?? (() => new Date()),
        demo: config.demo,
        ownerKey: owners,
      });
      loaded.push({ name: p.name, kinds: p.entry.kinds, instance });
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
