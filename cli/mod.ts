/**
 * The subcommands behind `main.ts`.
 *
 * @module
 */
import { silentLogger } from "../config/log.ts";
import type { Config } from "../config/schema.ts";
import { loadPlugins } from "../plugins/registry.ts";
import type { Store } from "../engine/core/store_ports.ts";
import type { CommandContext } from "./command.ts";

export type { CommandContext } from "./command.ts";
import { createReleaseService, describeReleaseStatus } from "../plugins/releases/mod.ts";

/** Runs a subcommand; returns its exit code. */
export async function runCommand(command: string, ctx: CommandContext): Promise<number> {
  switch (command) {
    case "serve":
      return (await import("./serve.ts")).serve(ctx);
    case "token":
      return (await import("./token.ts")).token(ctx);
    case "explain":
      return (await import("./explain.ts")).explain(ctx);
    case "connectivity":
      return (await import("./connectivity.ts")).connectivity(ctx);
    case "batch":
      return (await import("./batch.ts")).batch(ctx);
    case "nudges":
      return (await import("./nudges.ts")).nudges(ctx);
    default:
      ctx.printErr(`Unknown command "${command}"; see --help`);
      return 2;
  }
}

/** A store that holds nothing, for commands that only need plugins to load. */
const NULL_STORE: Store = new Proxy({} as Store, {
  get(_, prop) {
    if (prop === "kind") return "none";
    if (prop === "close") return () => Promise.resolve();
    // every concern: every method refuses
    return new Proxy({}, {
      get: () => () => Promise.reject(new Error("no store in this command")),
    });
  },
});

/**
 * What `check-config` says about the release data: the shipped file's age (this command opens no
 * store; a running server uses its fetched copy) and where the server will fetch from.
 */
export async function releaseDataLine(config: Config, now = new Date()): Promise<string> {
  const r = config.RELEASE_DATA;
  const service = createReleaseService({
    config: r,
    store: NULL_STORE.releaseFeeds,
    log: silentLogger,
    now: () => now,
  });
  await service.load();
  const fetching = r.FETCH ?? !config.demo;
  const plan = fetching
    ? `the server refreshes it every ${r.REFRESH_HOURS} hours from ${
      new URL(r.SOFA_MACOS_URL).host
    } and ${new URL(r.ENDOFLIFE_URL).host}`
    : config.demo && r.FETCH === undefined
    ? "demo mode does not fetch it (set RELEASE_DATA.FETCH to true to fetch)"
    : "fetching is off (RELEASE_DATA.FETCH is false)";
  return `${describeReleaseStatus(service.status(), now, r.WARN_AFTER_DAYS)}; ${plan}`;
}

/** Loads every configured plugin to validate its section (check-config). */
export async function checkPlugins(config: Config): Promise<void> {
  const plugins = await loadPlugins(config, { log: silentLogger, store: NULL_STORE });
  await Promise.all(plugins.map((p) => p.instance.close?.()));
}
