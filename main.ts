/**
 * Stethoscope's command line: parses arguments and wires config → registry → app → `Deno.serve`,
 * or runs a subcommand (`check-config`, `token`, `explain`, `connectivity`, `batch`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadConfig } from "./config/load.ts";
import { ConfigError } from "./config/problems.ts";
import { createLogger, flushLog, type Logger } from "./config/log.ts";
import type { Config } from "./config/schema.ts";
import { PluginConfigError, pluginSectionProblems } from "./plugins/registry.ts";
import { checkPlugins, releaseDataLine, runCommand } from "./cli/mod.ts";
import { printOidcCheck } from "./cli/check_oidc.ts";
import { granterWarnings } from "./cli/granter_warnings.ts";

const USAGE = `Usage: stethoscope [COMMAND] [OPTIONS]

Commands:
  serve                     run the web app (default)
  check-config              validate the configuration file and exit
                            [--online: also check the sign-in provider]
  token --email E           print an API token [--privileged] [--days N]
  explain --email E         show why records were merged into devices [--input records.json]
  connectivity              check every configured plugin [--plugins a,b]
  batch [FILE|-]            collect every person's devices [--concurrency N] [--timeout S]
                            [--collect-only] [--shard I/N] [--log-file F] [--per-person]
                            [--all-owners] (FILE's people only; without FILE, or with
                            --all-owners, every owner the listings and directory name);
                            then the nudges when NUDGES.ENABLED [--skip-nudges]
  nudges FILE|- [--dry-run] plan the messages (Slack, email) these people would get now;
                            --dry-run prints who would get what and sends nothing

Options:
  --config PATH             configuration file (or STETHOSCOPE_CONFIG); none = demo mode
  --port N                  port to listen on (or PORT; default 8000)
  --hostname H              address to listen on (default 127.0.0.1 in demo mode, else 0.0.0.0)
  -h, --help                this text
`;

/** Entry point; returns the exit code. */
export async function main(args: string[], log: Logger = createLogger()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        port: { type: "string" },
        hostname: { type: "string" },
        email: { type: "string" },
        privileged: { type: "boolean" },
        days: { type: "string" },
        input: { type: "string" },
        plugins: { type: "string" },
        online: { type: "boolean" },
        concurrency: { type: "string" },
        timeout: { type: "string" },
        "collect-only": { type: "boolean" },
        "per-person": { type: "boolean" },
        "all-owners": { type: "boolean" },
        "skip-nudges": { type: "boolean" },
        shard: { type: "string" },
        "log-file": { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error: unknown) {
    printErr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const command = positionals[0] ?? "serve";
  const path = values.config ?? env("STETHOSCOPE_CONFIG");
  let config: Config;
  try {
    config = await loadConfig(path);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      // check-config lists the plugin sections' problems in the same run (start-up stops at the
      // first list: the plugins are not loaded from a file that does not validate).
      const plugins = command === "check-config" && error.plugins
        ? await pluginSectionProblems(error.plugins.sections, error.plugins.enabled)
        : [];
      const all = [...error.problems, ...plugins];
      printErr(`Configuration problems in ${path ?? "(demo)"}:\n  ${all.join("\n  ")}`);
      return 1;
    }
    throw error;
  }
  if (command === "check-config") {
    try {
      await checkPlugins(config);
    } catch (error: unknown) {
      if (error instanceof PluginConfigError) {
        printErr(
          `Configuration problems in ${path ?? "(demo)"}:\n  ${error.problems.join("\n  ")}`,
        );
        return 1;
      }
      throw error;
    }
    print(`${path ?? "(demo configuration)"}: ok\n`);
    for (const warning of granterWarnings(config)) print(`${warning}\n`);
    print(`${await releaseDataLine(config)}\n`);
    if (values.online) return await printOidcCheck(config, print);
    return 0;
  }
  try {
    return await runCommand(command, { config, values, positionals, log, print, printErr });
  } catch (error: unknown) {
    if (error instanceof PluginConfigError) {
      printErr(`Configuration problems in ${path ?? "(demo)"}:\n  ${error.problems.join("\n  ")}`);
      return 1;
    }
    throw error;
  }
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function print(text: string): void {
  flushLog(); // log lines gathered so far come first, as they were written first
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function printErr(text: string): void {
  flushLog();
  Deno.stderr.writeSync(new TextEncoder().encode(text.endsWith("\n") ? text : text + "\n"));
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
