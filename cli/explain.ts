/**
 * `explain --email E [--input records.json]`: for each merged device of a person, which records it
 * was built from and why they were grouped — the operator's answer to "why are my two laptops
 * shown as one?". With `--input`, works offline on a JSON array of records. What it prints is
 * passed through `terminalSafe` (control sequences in device names are shown, not obeyed).
 *
 * @module
 */
import { explainGrouping, formatExplanation } from "../engine/identity/explain.ts";
import { isValidEmail } from "../engine/identity/identifiers.ts";
import type { DeviceRecord } from "../engine/core/types.ts";
import { assemble, engineParts } from "../plugins/assemble.ts";
import { createEngine } from "../engine/engine.ts";
import type { PersonView } from "../engine/view/person_view.ts";
import { silentLogger } from "../config/log.ts";
import type { PracticeSet } from "../engine/practices/practices.ts";
import { createReleaseService } from "../plugins/releases/mod.ts";
import { explainUpToDate } from "./explain_releases.ts";
import type { CommandContext } from "./command.ts";
import { terminalSafe, terminalSafeDeep } from "../lib/terminal_text.ts";

const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** Reads records from a JSON file, turning ISO timestamps of known fields into dates. */
export async function readRecords(path: string): Promise<DeviceRecord[]> {
  const raw = JSON.parse(
    await Deno.readTextFile(path),
    (key, value) =>
      typeof value === "string" && ISO_RE.test(value) &&
        [
          "last_sync",
          "last_updated",
          "last_scan_date",
          "hw_release_date",
          "security_patch_level",
          "auto_update_expiration",
        ].includes(key)
        ? new Date(value)
        : value,
  );
  if (!Array.isArray(raw)) throw new TypeError(`${path}: expected a JSON array of records`);
  return raw.filter((r): r is DeviceRecord =>
    typeof r === "object" && r !== null && typeof r.source === "string"
  );
}

/**
 * Prints the explanation; returns the exit code. The grouping part explains the raw records; the
 * "OS up to date" part shows the person's view of them (`Engine.viewOf()`): online with the
 * store's exemptions and status history (as their Devices page), offline (`--input`) with the
 * configured practices and the shipped release data, no store (nothing exempt, no deadlines).
 */
export async function explain(ctx: CommandContext): Promise<number> {
  const input = ctx.values.input;
  const email = ctx.values.email;
  let records: DeviceRecord[];
  let view: PersonView;
  let practices: PracticeSet;
  if (typeof input === "string") {
    try {
      records = await readRecords(input);
    } catch (error: unknown) {
      ctx.printErr(terminalSafe(`explain: cannot read ${input}: ${(error as Error).message}`));
      return 1;
    }
    // Offline: the shipped release data (no store, no feed), no plugins.
    const releases = createReleaseService({
      config: ctx.config.RELEASE_DATA,
      store: { releaseFeed: () => Promise.resolve(null), putReleaseFeed: () => Promise.resolve() },
      log: silentLogger,
    });
    const engine = createEngine(engineParts([], ctx.config, { releases }));
    practices = engine.parts.practices;
    view = await engine.viewOf(typeof email === "string" ? email : "", {
      items: records,
      errors: [],
    });
  } else {
    if (typeof email !== "string" || !isValidEmail(email)) {
      ctx.printErr("explain: give --email with an email address, or --input records.json");
      return 2;
    }
    const services = await assemble(ctx.config, { log: ctx.log.child({ command: "explain" }) });
    try {
      const { items, errors } = await services.engine.records(email);
      for (const e of errors) {
        ctx.printErr(terminalSafe(`warning: ${e.source} failed: ${e.message}`));
      }
      records = items;
      practices = services.engine.parts.practices;
      view = await services.engine.viewOf(email, { items, errors: [] });
    } finally {
      await services.close();
    }
  }
  if (records.length === 0) {
    const why = typeof input === "string"
      ? `${input} holds no device records`
      : `no inventory has a device record for ${email}`;
    ctx.print(terminalSafe(`Nothing to explain: ${why}.`) + "\n");
    return 0;
  }
  // Names and serials come from inventories: none may steer the operator's terminal.
  const printable = terminalSafeDeep(records);
  ctx.print(terminalSafe(formatExplanation(explainGrouping(printable))) + "\n");
  const upToDate = explainUpToDate(terminalSafeDeep(view.devices), practices, new Date());
  if (upToDate) ctx.print(terminalSafe(upToDate) + "\n");
  return 0;
}
