/**
 * `main.ts nudges FILE [--dry-run]` over the demo inventory with the Slack channel pointed at the
 * Slack fake: the dry run lists who would get what and sends nothing; the real run queues and
 * delivers each message once; a second run the same day sends nothing new.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type Config, ConfigSchema } from "../../config/schema.ts";
import { nudges } from "../../cli/nudges.ts";
import type { CommandContext } from "../../cli/command.ts";
import { SLACK_TOKEN, startFakeSlack } from "../fakes/slack.ts";

const ALWAYS = { DAYS: [1, 2, 3, 4, 5, 6, 7], FROM_HOUR: 0, TO_HOUR: 24 };

async function harness(
  nudgeSettings: Record<string, unknown>,
  extraPlugins: Record<string, unknown> = {},
) {
  const slack = startFakeSlack();
  slack.users.set("user@example.com", { id: "U0USER", tz: "UTC" });
  slack.users.set("one-red@example.com", { id: "U0RED", tz: "UTC" });
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-nudges-" });
  const file = `${dir}/people.txt`;
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
      const code = await nudges(ctx);
      return { code, out, err };
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
  assert.match(
    out[0]!,
    /^user@example\.com {2}slack {2}would send: "Stethoscope: \d+ things to fix on your devices" \(/,
  );
  assert.match(
    out[1]!,
    /^one-red@example\.com {2}slack {2}would send: "Stethoscope: \d+ things? to fix on your devices" \(/,
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
