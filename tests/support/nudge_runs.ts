/**
 * A batch run whose nudges were a dry run (two messages listed, 3 of 4 nudged items fixed), and a
 * message body for ledger rows: what the Dashboard's nudges page is tested and audited with.
 *
 * @module
 */
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import type { NudgeLedger } from "../../engine/nudges/nudge_ports.ts";
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";

/** A run of 7 December 2026 whose nudges were a dry run. */
export const NUDGE_RUN: BatchRunSummary = {
  id: "run-n",
  startedAt: new Date("2026-12-07T02:00:00Z"),
  finishedAt: new Date("2026-12-07T02:10:00Z"),
  people: 3,
  devices: 9,
  practices: {},
  ratings: {},
  byPlatform: {},
  bySource: {},
  errors: {},
  nudges: {
    dryRun: true,
    queued: 2,
    alreadyQueued: 0,
    held: { "nothing-new": 1 },
    failed: 0,
    listed: [
      {
        email: "user@example.com",
        channel: "slack",
        subject: "Stethoscope: 2 things to fix on your devices",
        items: ["Firewall is off — MacBook Pro", "Disk encryption is off — ThinkPad"],
      },
      {
        email: "one-red@example.com",
        channel: "email",
        subject: "Stethoscope: 1 thing to fix on your devices",
        items: ["Screen lock is off — Pixel 8"],
      },
    ],
    followUp: { nudged: 4, fixed: 3 },
  },
};

/** A message whose every part is its subject. */
export function nudgeMessage(subject: string): NudgeMessage {
  return {
    subject,
    text: subject,
    html: `<p>${subject}</p>`,
    blocks: [],
  } as unknown as NudgeMessage;
}

/**
 * Two messages in the ledger, queued on 1 December 2026 at 14:00 UTC: one sent a minute later to
 * user@example.com (3 items, 1 critical), one Slack refused for nobody@example.com
 * (`users_not_found`).
 */
export async function seedLedger(
  store: Pick<NudgeLedger, "queueNudge" | "markNudgeSent" | "markNudgeFailed">,
): Promise<void> {
  const at = new Date("2026-12-01T14:00:00Z");
  await store.queueNudge({
    key: "k-sent",
    email: "user@example.com",
    channel: "slack",
    message: nudgeMessage("Stethoscope: 3 things to fix on your devices"),
    itemKeys: ["a", "b", "c"],
    critical: 1,
    queuedAt: at,
  });
  await store.markNudgeSent("k-sent", new Date("2026-12-01T14:01:00Z"));
  await store.queueNudge({
    key: "k-refused",
    email: "nobody@example.com",
    channel: "slack",
    message: nudgeMessage("Stethoscope: 1 thing to fix on your devices"),
    itemKeys: ["d"],
    critical: 0,
    queuedAt: at,
  });
  await store.markNudgeFailed("k-refused", {
    at,
    nextAttemptAt: at,
    error: "users_not_found",
    refused: true,
  });
}
