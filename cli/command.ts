/**
 * What every subcommand of `main.ts` receives from the dispatcher (`cli/mod.ts`): the loaded
 * configuration, the parsed flags and arguments, the logger and the two outputs. A subcommand
 * imports this type, never the dispatcher, so that the dispatcher alone knows every subcommand.
 *
 * @module
 */
import type { Logger } from "../engine/core/log.ts";
import type { Config } from "../config/schema.ts";

/** What a subcommand receives. `print` writes text as is; `printErr` adds a newline. */
export interface CommandContext {
  config: Config;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  log: Logger;
  print: (text: string) => void;
  printErr: (text: string) => void;
}
