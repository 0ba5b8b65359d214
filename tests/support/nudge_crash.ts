/**
 * A process that delivers due nudges from a SQLite ledger to Slack and is killed (SIGKILL, by
 * itself) at a chosen point: `before-send` (a message taken, nothing sent) or `after-send` (Slack
 * accepted the message, the ledger does not know). Used by the exactly-once tests.
 *
 * Usage: deno run -A nudge_crash.ts DB_PATH SLACK_API_URL before-send|after-send
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import { deliverNudges } from "../../engine/nudges/nudge_outbox.ts";
import type { NudgeChannel } from "../../engine/nudges/nudge_ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import slackPlugin from "../../plugins/nudges/slack.ts";
import { sqliteNudges } from "../../plugins/stores/sqlite_nudges.ts";
import { sqliteRunner } from "../../plugins/stores/sqlite_runner.ts";
import { SLACK_TOKEN } from "../fakes/slack.ts";

const [path, apiUrl, when] = Deno.args;
if (path === undefined || apiUrl === undefined) {
  throw new Error("usage: DB_PATH SLACK_API_URL WHEN");
}
const db = new DatabaseSync(path);
db.exec("PRAGMA busy_timeout = 5000");
const ledger = sqliteNudges(db, sqliteRunner(db, path).run);
const slack = await slackPlugin.create(
  slackPlugin.schema.parse({ SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: apiUrl }),
  {
    name: "slack",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  },
);
const dying: NudgeChannel = {
  ...slack,
  async sendNudge(email, message, options) {
    if (when === "before-send") Deno.kill(Deno.pid, "SIGKILL");
    const where = await slack.sendNudge(email, message, options);
    if (when === "after-send") Deno.kill(Deno.pid, "SIGKILL");
    return where;
  },
};
await deliverNudges({
  ledger,
  channels: new Map([["slack", dying]]),
  log: silentLogger,
  leaseMs: 1,
});
