/**
 * `connectivity [--plugins a,b]`: runs every configured plugin's connectivity check and prints one
 * line each — `ok`, or `FAILED:` with the host, port and cause — exiting 1 if any failed. A
 * source that could not deliver records (skipped since it started or in the check itself, lists
 * cut short) says so on its line (`file: ok; not delivered: 2 skipped (noOwner: it names no owner
 * we can read)`). A release feed behind the copy in use (an old mirror) is a warning on the
 * `releases` line, with its date, not a failure.
 *
 * @module
 */
import { callWithDeadline } from "../engine/view/deadline.ts";
import { assemble } from "../plugins/assemble.ts";
import { describeReleaseStatus } from "../plugins/releases/mod.ts";
import type { CommandContext } from "./command.ts";
import { withOidc } from "./check_oidc.ts";
import { addGaps, operatorGaps, tallyGaps } from "../engine/view/gaps.ts";

/** Runs the checks; returns the exit code. */
export async function connectivity(ctx: CommandContext): Promise<number> {
  const services = await assemble(ctx.config, { log: ctx.log.child({ command: "connectivity" }) });
  try {
    const wanted = typeof ctx.values.plugins === "string"
      ? new Set(ctx.values.plugins.split(",").map((s) => s.trim()).filter(Boolean))
      : undefined;
    const plugins = services.plugins.filter((p) => !wanted || wanted.has(p.name));
    if (wanted) {
      const missing = [...wanted].filter((w) =>
        w !== "releases" && w !== "oidc" && !plugins.some((p) => p.name === w)
      );
      if (missing.length > 0) {
        ctx.printErr(`connectivity: not configured: ${missing.join(", ")}`);
        return 2;
      }
    }
    let failed = 0;
    const results = await Promise.all(plugins.map(async (p) => {
      const check = p.instance.checkConnectivity;
      if (!check) return `${p.name}: no connectivity check`;
      // The plugin's requests each have their own deadline and say where they went when it
      // passes; this outer one (twice that, plus a second) only catches a check that hangs.
      const own = p.instance.timeoutMs ?? 10_000;
      const out = await callWithDeadline(
        { name: p.name, timeoutMs: own * 2 + 1_000 },
        "checkConnectivity",
        (o) => check.call(p.instance, o),
        { empty: undefined },
      );
      const gaps = addGaps(tallyGaps([p.instance]), out.gaps ?? []);
      const named = gaps.length > 0 ? `; not delivered: ${operatorGaps(gaps)}` : "";
      if (out.ok) {
        return `${p.name}: ok${typeof out.value === "string" ? `; ${out.value}` : ""}${named}`;
      }
      failed++;
      return `${p.name}: FAILED: ${withoutName(out.error.message, p.name)}${named}`;
    }));
    let checks = plugins.length;
    if (!wanted || wanted.has("releases")) {
      const r = services.releases;
      const age = () =>
        describeReleaseStatus(r.status(), new Date(), ctx.config.RELEASE_DATA.WARN_AFTER_DAYS);
      if (!r.fetching) {
        results.push(`releases: not fetched (RELEASE_DATA.FETCH is off); ${age()}`);
      } else {
        checks++;
        const down = await r.refresh();
        const behind = r.status().feeds.filter((f) => f.behind !== undefined)
          .map((f) => `warning: ${f.name}: ${f.behind}; `).sort().join("");
        if (down.length === 0) results.push(`releases: ok; ${behind}${age()}`);
        else {
          failed++;
          const why = down.map((f) => `${f.name}: ${f.error}`).join("; ");
          results.push(`releases: FAILED: ${why}; ${behind}${age()}`);
        }
      }
    }
    if (!wanted || wanted.has("oidc")) {
      ({ checks, failed } = await withOidc(ctx.config, results, checks, failed));
    }
    ctx.print(results.join("\n") + "\n");
    ctx.print(`${checks - failed} of ${checks} checks succeeded\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await services.close();
  }
}

/**
 * A plugin's message without a leading `"<name>: "` of its own (any letter case), so the line
 * reads `jamf: FAILED: cannot reach …` rather than naming the plugin twice.
 */
function withoutName(message: string, name: string): string {
  return message.toLowerCase().startsWith(`${name.toLowerCase()}: `)
    ? message.slice(name.length + 2)
    : message;
}
