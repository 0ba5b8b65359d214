/**
 * `main.ts nudges FILE [--dry-run]` over the demo inventory with the Slack channel pointed at the
 * Slack fake: the dry run lists who would get what and sends nothing; the real run queues and
 * delivers each message once; a second run the same day sends nothing new; a batch run ends with
 * the same nudges when they are enabled.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type Config, ConfigSchema } from "../../config/schema.ts";
import { nudges } from "../../cli/nudges.ts";
import { runBatchCommand } from "../../cli/batch.ts";
import type { CommandContext } from "../../cli/command.ts";
import { SLACK_TOKEN, startFakeSlack } from "../fakes/slack.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import type { BatchRunNudges } from "../../engine/core/store_ports.ts";

const ALWAYS = { DAYS: [1, 2, 3, 4, 5, 6, 7], FROM_HOUR: 0, TO_HOUR: 24 };
/**
 * The clock (Thursday 26 November 2026, from noon UTC): the deadlines the messages name ("it was
 * due by 2 March", the year left out within the year) and the demo's devices read the same in any
 * year. Each run starts an hour after the one before, the same day, so runs keep their order.
 */
const NOON = Date.parse("2026-11-26T12:00:00Z");
const HOUR_MS = 3_600_000;

async function harness(
  nudgeSettings: Record<string, unknown>,
  extraPlugins: Record<string, unknown> = {},
) {
  const slack = startFakeSlack();
  slack.users.set("user@example.com", { id: "U0USER", tz: "UTC" });
  slack.users.set("one-red@example.com", { id: "U0RED", tz: "UTC" });
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-nudges-" });
  const file = `${dir}/people.txt`;
  let clock = NOON;
  const now = () => new Date(clock);
  await Deno.writeTextFile(file, "user@example.com\none-red@example.com\ngreen@example.com\n");
  const config: Config = {
    ...ConfigSchema.parse({
      STORE: { TYPE: "sqlite", PATH: `${dir}/store.db` },
      PUBLIC_ORIGIN: "https://stethoscope.example.com",
      PLUGINS: {
        demo: {},
        slack: { SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: slack.apiUrl },
        ...extraPlugins,
      },
      NUDGES: { ...ALWAYS, ...nudgeSettings },
    }),
    demo: false,
  };
  return {
    slack,
    file,
    run: async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const ctx: CommandContext = {
        config,
        values: { "dry-run": args.includes("--dry-run") },
        positionals: ["nudges", ...args.filter((a) => a !== "--dry-run")],
        log: silentLogger,
        print: (t) => void out.push(t.replace(/\n$/, "")),
        printErr: (t) => void err.push(t),
      };
      clock += HOUR_MS;
      const code = await nudges(ctx, { now });
      return { code, out, err };
    },
    /** `main.ts batch FILE` with the same configuration (progress lines dropped). */
    batch: async (...flags: string[]) => {
      const out: string[] = [];
      const ctx: CommandContext = {
        config,
        values: Object.fromEntries(flags.map((f) => [f.replace(/^--/, ""), true])),
        positionals: ["batch", file],
        log: silentLogger,
        print: (t) => out.push(...t.replace(/\n$/, "").split("\n")),
        printErr: () => {},
      };
      clock += HOUR_MS;
      const code = await runBatchCommand(ctx, { isTerminal: false, writeProgress: () => {}, now });
      return { code, out };
    },
    /** The nudges saved on the newest batch run, read back from the store file. */
    lastRunNudges: async (): Promise<BatchRunNudges | undefined> => {
      const store = await createSqliteStore({ path: `${dir}/store.db`, log: silentLogger });
      try {
        return (await store.batchRuns.batchRuns(1))[0]?.nudges;
      } finally {
        await store.close();
      }
    },
    async [Symbol.asyncDispose]() {
      await slack.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("nudges --dry-run lists who would get what and sends nothing", async () => {
  await using h = await harness({ ENABLED: false });
  const { code, out, err } = await h.run(h.file, "--dry-run");
  assert.deepEqual(err, []);
  assert.equal(code, 0);
  assert.equal(out.length, 4);
  assert.equal(
    out[0],
    'user@example.com  slack  would send: "Stethoscope: 9 things to fix on your devices" (' +
      [
        // each update item names one target and its deadline (issue 27); overdue ones come first
        "Install Windows 11 24H2 (it was due by 14 October 2025) — ThinkPad X1 Carbon Gen 12 · Windows 10 build 19045",
        "Install Android 14 (it was due by 2 March) — Pixel 6 · Android 13.0.0",
        "Install macOS 15.7.7 (it was due by 1 June) — MacBook Pro (16-inch, 2023) · macOS 15.6",
        "Install iOS 18.7.9 (it was due by 1 June) — iPad Air · iOS 18.6",
        "Firewall is off — MacBook Pro (16-inch, 2023) · macOS 15.6",
        "Screen lock is off or too slow — ThinkPad X1 Carbon Gen 12 · Windows 10 build 19045",
        "Automatic updates are off — MacBook Pro (16-inch, 2023) · macOS 15.6",
        "Remote Login is on — MacBook Pro (16-inch, 2023) · macOS 15.6",
        "USB debugging is on — Pixel 6 · Android 13.0.0",
      ].join("; ") + ")",
  );
  assert.equal(
    out[1],
    'one-red@example.com  slack  would send: "Stethoscope: 2 things to fix on your devices" (' +
      "Disk is not encrypted — ThinkPad T14 Gen 4 · Windows 11 build 26200; " +
      "2-Step Verification is off — Google account · one-red@example.com)",
  );
  assert.equal(out[2], "green@example.com  slack  nothing now (nothing-new)");
  assert.equal(
    out[3],
    "3 people: 2 would be sent, 0 already queued, held: 1 nothing-new, 0 failed, 0 with failed sources",
  );
  assert.equal(h.slack.posts(), 0);
});

Deno.test("nudges without --dry-run refuses while NUDGES.ENABLED is false", async () => {
  await using h = await harness({ ENABLED: false });
  const { code, err } = await h.run(h.file);
  assert.equal(code, 2);
  assert.deepEqual(err, [
    "nudges: NUDGES.ENABLED is false; run with --dry-run to see who would get what, then enable it",
  ]);
});

Deno.test("nudges queues and delivers each message once; a second run the same day sends nothing", async () => {
  await using h = await harness({ ENABLED: true });
  const first = await h.run(h.file);
  assert.equal(first.code, 0);
  assert.equal(
    first.out.at(-2),
    "3 people: 2 queued, 0 already queued, held: 1 nothing-new, 0 failed, 0 with failed sources",
  );
  assert.equal(first.out.at(-1), "delivered: 2 sent, 0 to retry, 0 refused");
  assert.equal(h.slack.posts(), 2);
  assert.deepEqual([...h.slack.messages.keys()].sort(), ["D0RED", "D0USER"]);
  const second = await h.run(h.file);
  assert.equal(
    second.out.at(-2),
    "3 people: 0 queued, 0 already queued, held: 3 nothing-new, 0 failed, 0 with failed sources",
  );
  assert.equal(second.out.at(-1), "delivered: 0 sent, 0 to retry, 0 refused");
  assert.equal(h.slack.posts(), 2);
});

Deno.test("nudges names each person whose sources failed, and exits 1", async () => {
  await using h = await harness({ ENABLED: false }, {
    bitfit: { BITFIT_API_TOKEN: "t0ken-for-nobody", BITFIT_BASE_URL: "http://127.0.0.1:2/" },
  });
  const { code, out, err } = await h.run(h.file, "--dry-run");
  assert.equal(code, 1);
  assert.deepEqual(err, [
    "nudges: user@example.com: bitfit failed; planned from what the other sources said",
    "nudges: one-red@example.com: bitfit failed; planned from what the other sources said",
    "nudges: green@example.com: bitfit failed; planned from what the other sources said",
  ]);
  assert.equal(
    out.at(-1),
    "3 people: 2 would be sent, 0 already queued, held: 1 nothing-new, 0 failed, 3 with failed sources",
  );
});

Deno.test("batch ends with the nudges of its people when NUDGES.ENABLED; --skip-nudges leaves them out", async () => {
  await using h = await harness({ ENABLED: true });
  const skipped = await h.batch("--skip-nudges");
  assert.equal(skipped.code, 0);
  assert.equal(skipped.out.includes("nudges:"), false);
  assert.equal(h.slack.posts(), 0);
  const run = await h.batch();
  assert.equal(run.code, 0);
  const at = run.out.indexOf("nudges:");
  assert.ok(at > 0, run.out.join("\n"));
  assert.deepEqual(run.out.slice(at + 3), [
    "green@example.com  slack  nothing now (nothing-new)",
    "3 people: 2 queued, 0 already queued, held: 1 nothing-new, 0 failed, 0 with failed sources",
    "delivered: 2 sent, 0 to retry, 0 refused",
  ]);
  assert.match(
    run.out[at + 1]!,
    /^user@example\.com {2}slack {2}queued: "Stethoscope: 9 things to fix/,
  );
  assert.match(
    run.out[at + 2]!,
    /^one-red@example\.com {2}slack {2}queued: "Stethoscope: 2 things/,
  );
  assert.equal(h.slack.posts(), 2);
  const first = await h.lastRunNudges();
  assert.deepEqual(
    { ...first, listed: first?.listed.map((l) => `${l.email} ${l.channel} ${l.items.length}`) },
    {
      dryRun: false,
      queued: 2,
      alreadyQueued: 0,
      held: { "nothing-new": 1 },
      failed: 0,
      listed: ["user@example.com slack 9", "one-red@example.com slack 2"],
      followUp: { nudged: 0, fixed: 0 },
    },
  );
  // a second run the same day: nothing new, nothing sent (exactly once through the ledger)
  const again = await h.batch();
  assert.equal(
    again.out.at(-2),
    "3 people: 0 queued, 0 already queued, held: 3 nothing-new, 0 failed, 0 with failed sources",
  );
  assert.equal(h.slack.posts(), 2);
  // the 11 items sent are all still to do (the demo's devices did not change)
  assert.deepEqual((await h.lastRunNudges())?.followUp, { nudged: 11, fixed: 0 });
});

Deno.test("batch with NUDGES.ENABLED false rehearses the nudges: the run's summary lists who would get what, nothing is sent or asked of Slack", async () => {
  await using h = await harness({ ENABLED: false });
  const run = await h.batch();
  assert.equal(run.code, 0);
  const at = run.out.indexOf("nudges (dry run: NUDGES.ENABLED is false):");
  assert.ok(at > 0, run.out.join("\n"));
  assert.deepEqual(run.out.slice(at + 1), [
    "3 people: 2 would be sent, 0 already queued, held: 1 nothing-new, 0 failed, 0 with failed sources",
  ]);
  assert.equal(h.slack.posts(), 0);
  assert.deepEqual(h.slack.requests.map((r) => r.url.pathname), []);
  const saved = await h.lastRunNudges();
  assert.equal(saved?.dryRun, true);
  assert.equal(saved?.queued, 2);
  assert.deepEqual(saved?.listed.map((l) => [l.email, l.subject]), [
    ["user@example.com", "Stethoscope: 9 things to fix on your devices"],
    ["one-red@example.com", "Stethoscope: 2 things to fix on your devices"],
  ]);
  assert.equal(saved?.listed[1]?.items.length, 2);
});
