/**
 * Nudges from a person's view to a delivered message, through the SQLite ledger and the Slack
 * channel against the Slack fake: a plan made twice is one message, a message is delivered once
 * even when the delivering process is killed (SIGKILL) before or after Slack accepted it, Slack's
 * `Retry-After` is honoured and a refusal is not retried, and what was sent is history the next
 * plan reads.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import { createNudgeWorker, deliverNudges } from "../../engine/nudges/nudge_outbox.ts";
import {
  nudgeItemsOf,
  nudgePerson,
  type NudgeView,
  runNudges,
} from "../../engine/nudges/nudge_run.ts";
import { DEFAULT_NUDGE_SETTINGS } from "../../engine/nudges/nudges.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import slackPlugin from "../../plugins/nudges/slack.ts";
import { migrate } from "../../plugins/stores/sqlite_migrations.ts";
import { sqliteNudges } from "../../plugins/stores/sqlite_nudges.ts";
import { sqliteRunner } from "../../plugins/stores/sqlite_runner.ts";
import { SLACK_TOKEN, startFakeSlack } from "../fakes/slack.ts";

// Monday 7 December 2026, 14:00 UTC = 15:00 in Paris (Fry's Slack time zone).
const NOW = new Date("2026-12-07T14:00:00Z");
const SETTINGS = { ...DEFAULT_NUDGE_SETTINGS, staleDays: 90 };
const SENDER = { appName: "Stethoscope", origin: "https://st.example.com" };

function mac(serial: string, lastSync: Date, firewall: "warn" | "ok"): MergedDevice {
  return {
    sources: ["jamf"],
    model: "MacBook Pro",
    os: "macOS",
    os_version: "15.6",
    last_sync: lastSync,
    identifiers: { serial },
    practices: {
      firewall: { status: firewall, title: "Firewall is off" },
      screenlock: { status: "unknown", title: "Screen lock: can't check" },
      uptodate: {
        status: "nudge",
        title: "Install macOS 15.7.3",
        deadline: new Date("2026-12-15T00:00:00Z"),
      },
    },
  };
}

const FRY: NudgeView = {
  email: "fry@example.com",
  devices: [
    mac("C02XK1", new Date("2026-12-06T10:00:00Z"), "warn"),
    // Not heard from since March 2017: asked about on the page, never nagged about.
    mac("W80OLD", new Date("2017-03-01T10:00:00Z"), "warn"),
  ],
  accounts: [
    {
      name: "fry@example.com",
      type: "google",
      user_usage: { "accounts:is_2sv_enrolled": false },
    } as unknown as NudgeView["accounts"][number],
  ],
};

async function rig() {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-test-" });
  const path = `${dir}/nudges.db`;
  const db = new DatabaseSync(path);
  migrate(db, { at: NOW });
  const { run, close } = sqliteRunner(db, path);
  const ledger = sqliteNudges(db, run);
  const fake = startFakeSlack();
  const slack = await slackPlugin.create(
    slackPlugin.schema.parse({ SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: fake.apiUrl }),
    {
      name: "slack",
      timeoutMs: 5000,
      log: silentLogger,
      store: {} as Store,
      now: () => NOW,
      demo: false,
    },
  );
  const channels = new Map([["slack", slack]]);
  const options = {
    channels,
    ledger,
    settings: SETTINGS,
    sender: SENDER,
    now: NOW,
    dryRun: false,
  };
  return {
    path,
    ledger,
    fake,
    channels,
    options,
    async [Symbol.asyncDispose]() {
      await fake.close();
      await close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("nudgeItemsOf() carries critical then suggested items of recent devices and 2SV-off accounts only", () => {
  const items = nudgeItemsOf(FRY, { staleDays: 90, now: NOW });
  assert.deepEqual(items.map((i) => [i.key, i.level, i.where, i.href]), [
    [
      "device:dev-C02XK1:firewall",
      "critical",
      "MacBook Pro · macOS 15.6",
      "/devices#dev-C02XK1-firewall",
    ],
    [
      "account:google:fry@example.com:2sv",
      "critical",
      "Google account · fry@example.com",
      "/accounts#acct-0",
    ],
    [
      "device:dev-C02XK1:uptodate",
      "suggested",
      "MacBook Pro · macOS 15.6",
      "/devices#dev-C02XK1-uptodate",
    ],
  ]);
});

Deno.test("a dry run says who would get what and queues nothing", async () => {
  await using r = await rig();
  const [out] = await nudgePerson(FRY, { ...r.options, dryRun: true });
  assert.equal(out?.plan.send, true);
  assert.equal(out?.message?.subject, "Stethoscope: 3 things to fix on your devices");
  assert.equal(out?.queued, undefined);
  assert.deepEqual(await r.ledger.takeDueNudges(NOW, 10, 60_000), []);
});

Deno.test("a plan made twice (a rerun, a second process) is one queued message, delivered once", async () => {
  await using r = await rig();
  const [first] = await nudgePerson(FRY, r.options);
  const [second] = await nudgePerson(FRY, r.options);
  assert.equal(first?.queued, true);
  assert.equal(second?.queued, false);
  assert.equal(first?.key, second?.key);
  const report = await deliverNudges({
    ledger: r.ledger,
    channels: r.channels,
    log: silentLogger,
    now: () => NOW,
  });
  assert.deepEqual(report, { sent: 1, failed: 0, refused: 0 });
  assert.equal(r.fake.posts(), 1);
  // What was sent is history: the same items the next day are not news.
  const history = await r.ledger.nudgeHistory("fry@example.com", "slack");
  assert.deepEqual([...history.lastSent.keys()].sort(), [
    "account:google:fry@example.com:2sv",
    "device:dev-C02XK1:firewall",
    "device:dev-C02XK1:uptodate",
  ]);
  assert.deepEqual(history.sentAt, [NOW]);
  const [tomorrow] = await nudgePerson(FRY, {
    ...r.options,
    now: new Date("2026-12-08T14:00:00Z"),
  });
  assert.deepEqual(tomorrow?.plan, { send: false, hold: "nothing-new", timeZone: "Europe/Paris" });
});

Deno.test("Slack's Retry-After is honoured; a person Slack does not know is refused, not retried", async () => {
  await using r = await rig();
  await nudgePerson(FRY, r.options);
  await nudgePerson({ ...FRY, email: "zoidberg@example.com" }, r.options);
  r.fake.rateLimit(1, 120);
  const first = await deliverNudges({
    ledger: r.ledger,
    channels: r.channels,
    log: silentLogger,
    now: () => NOW,
  });
  assert.equal(first.sent + first.failed + first.refused, 2);
  assert.equal(first.failed, 1);
  // Nothing is due again before Slack's two minutes.
  const early = await r.ledger.takeDueNudges(new Date(NOW.getTime() + 119_000), 10, 1);
  assert.deepEqual(early.map((n) => n.email), []);
  const later = await deliverNudges({
    ledger: r.ledger,
    channels: r.channels,
    log: silentLogger,
    now: () => new Date(NOW.getTime() + 121_000),
  });
  assert.equal(later.sent + first.sent, 1);
  assert.equal(later.refused + first.refused, 1);
  assert.equal(r.fake.posts(), 1);
  const listed = await r.ledger.nudgesSince(new Date(0), 10);
  assert.deepEqual(
    listed.map((n) => [n.email, n.state]).sort(),
    [["fry@example.com", "sent"], ["zoidberg@example.com", "refused"]],
  );
});

for (const when of ["before-send", "after-send"] as const) {
  Deno.test(`a delivering process killed ${when} leaves exactly one message in Slack`, async () => {
    await using r = await rig();
    // The child delivers on the real clock: queue on it, with a window open at any hour.
    const always = { days: [1, 2, 3, 4, 5, 6, 7], fromHour: 0, toHour: 24 };
    await nudgePerson(FRY, {
      ...r.options,
      now: new Date(),
      settings: { ...SETTINGS, window: always },
    });
    const script = new URL("../support/nudge_crash.ts", import.meta.url).pathname;
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, r.path, r.fake.apiUrl, when],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(child.signal, "SIGKILL", new TextDecoder().decode(child.stderr));
    assert.equal(r.fake.posts(), when === "after-send" ? 1 : 0);
    // The next process takes it once the lease (1 ms) has ended.
    const report = await deliverNudges({
      ledger: r.ledger,
      channels: r.channels,
      log: silentLogger,
    });
    assert.deepEqual(report, { sent: 1, failed: 0, refused: 0 });
    assert.equal(r.fake.posts(), 1);
    assert.deepEqual(
      await deliverNudges({ ledger: r.ledger, channels: r.channels, log: silentLogger }),
      { sent: 0, failed: 0, refused: 0 },
    );
  });
}

Deno.test("the server's nudge worker delivers what is queued and stops before the store closes", async () => {
  await using r = await rig();
  await nudgePerson(FRY, r.options);
  const worker = createNudgeWorker({
    ledger: r.ledger,
    channels: r.channels,
    log: silentLogger,
    now: () => NOW,
    intervalMs: 3_600_000,
  });
  worker.start();
  // users.lookupByEmail, conversations.open, chat.postMessage.
  await r.fake.received(3);
  await worker.stop();
  assert.equal(r.fake.posts(), 1);
  const [listed] = await r.ledger.nudgesSince(new Date(0), 10);
  assert.equal(listed?.state, "sent");
});

Deno.test("a run after a nudge counts the items sent in the week before and how many are fixed since", async () => {
  await using r = await rig();
  await nudgePerson(FRY, r.options);
  await deliverNudges({
    ledger: r.ledger,
    channels: r.channels,
    log: silentLogger,
    now: () => NOW,
  });
  // Three days later Fry has turned the firewall on; the update and 2-Step Verification are open.
  const fixed: NudgeView = {
    ...FRY,
    devices: [mac("C02XK1", new Date("2026-12-10T10:00:00Z"), "ok"), FRY.devices[1]!],
  };
  const run = (at: string, view: NudgeView) =>
    runNudges(["fry@example.com"], () => Promise.resolve(view), {
      ...r.options,
      now: new Date(at),
      dryRun: true,
      followUp: true,
    });
  assert.deepEqual((await run("2026-12-10T14:00:00Z", fixed)).followUp, { nudged: 3, fixed: 1 });
  // Nothing left to do: the history is still read, and every nudged item counts as fixed.
  const clean: NudgeView = { email: FRY.email, devices: [], accounts: [] };
  assert.deepEqual((await run("2026-12-10T14:00:00Z", clean)).followUp, { nudged: 3, fixed: 3 });
  // Eight days after the nudge its items are out of the week.
  assert.deepEqual((await run("2026-12-15T14:00:00Z", fixed)).followUp, { nudged: 0, fixed: 0 });
  // Without followUp a person with nothing to do costs no ledger read, and nothing is counted.
  const plain = await runNudges(["fry@example.com"], () => Promise.resolve(clean), {
    ...r.options,
    dryRun: true,
  });
  assert.deepEqual(plain.followUp, { nudged: 0, fixed: 0 });
});
