/**
 * Delivering queued nudges (issue 27) exactly once: a message is queued in the shared ledger under
 * its idempotency key before anything is sent (a second process or a restart planning the same
 * message finds it queued), taken under a lease (one process sends it; a process killed mid-send
 * leaves it to the next once the lease ends), and a retry after such a take tells the channel that
 * an earlier attempt may have reached the person (Slack then looks for the message by its key
 * before posting). Failures back off exponentially; a channel's `Retry-After` is honoured; a
 * permanent refusal (no such Slack user, SMTP 550) is recorded and not retried.
 *
 * @module
 */
import type { Logger } from "../core/log.ts";
import { backoffDelay, type BackoffOptions } from "../core/outbox.ts";
import { type NudgeChannel, type NudgeLedger, NudgeRefusedError } from "./nudge_ports.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { timeoutSignal } from "../../lib/abort.ts";

/** What one delivery run did. */
export interface NudgeRunReport {
  sent: number;
  /** Will be tried again. */
  failed: number;
  /** Refused for good by the channel. */
  refused: number;
}

/** Options of {@link deliverNudges}. */
export interface DeliverNudgesOptions {
  ledger: Pick<NudgeLedger, "takeDueNudges" | "markNudgeSent" | "markNudgeFailed">;
  channels: ReadonlyMap<string, NudgeChannel>;
  log: Logger;
  now?: () => Date;
  /** Messages taken per run. Default 50. */
  limit?: number;
  /** How long a taken message is this process's, in ms. Default 120 000 (2 min). */
  leaseMs?: number;
  backoff?: BackoffOptions;
}

function retryAfterOf(error: unknown): number | undefined {
  const value = error instanceof Error ? Reflect.get(error, "retryAfterMs") : undefined;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Sends what is due in the nudge ledger, each message once.
 *
 * @param options ledger, channels by plugin name, logger, clock, batch size, lease, back-off
 * @returns how many were sent, will be retried, and were refused
 * @throws whatever the ledger throws (a store that cannot be read or written); channel failures
 *   never throw, they are recorded on the message
 */
export async function deliverNudges(options: DeliverNudgesOptions): Promise<NudgeRunReport> {
  const { ledger, channels, log } = options;
  const now = options.now ?? (() => new Date());
  const report: NudgeRunReport = { sent: 0, failed: 0, refused: 0 };
  const due = await ledger.takeDueNudges(now(), options.limit ?? 50, options.leaseMs ?? 120_000);
  for (const nudge of due) {
    const channel = channels.get(nudge.channel);
    let error: unknown;
    if (channel === undefined) {
      error = new Error(`nudge channel "${nudge.channel}" is not configured; add it to PLUGINS`);
    } else {
      const signal = channel.timeoutMs === null
        ? new AbortController().signal
        : timeoutSignal(channel.timeoutMs);
      try {
        const where = await channel.sendNudge(nudge.email, nudge.message, {
          signal,
          idempotencyKey: nudge.key,
          mayHaveBeenSent: nudge.attempts > 0,
        });
        await ledger.markNudgeSent(nudge.key, now());
        report.sent++;
        log.info("nudge sent", { key: nudge.key, channel: nudge.channel, where });
        continue;
      } catch (e: unknown) {
        error = e;
      }
    }
    const refused = error instanceof NudgeRefusedError;
    const wait = retryAfterOf(error) ?? backoffDelay(nudge.attempts, options.backoff);
    const at = now();
    await ledger.markNudgeFailed(nudge.key, {
      at,
      nextAttemptAt: new Date(at.getTime() + wait),
      error: errorMessage(error),
      refused,
    });
    if (refused) report.refused++;
    else report.failed++;
    log.warn(refused ? "nudge refused by its channel" : "nudge delivery failed; will retry", {
      key: nudge.key,
      channel: nudge.channel,
      attempts: nudge.attempts + 1,
      error: errorMessage(error),
      ...(refused ? {} : { retryInMs: wait }),
    });
  }
  return report;
}

/** A background loop delivering due nudges (retries included) every `intervalMs`. */
export interface NudgeWorker {
  /** Runs now and then every `intervalMs` until stopped. */
  start(): void;
  /** Stops the loop and waits for the run in progress (call before the store closes). */
  stop(): Promise<void>;
}

/**
 * Creates the server's nudge delivery loop: messages queued by a batch or by `main.ts nudges`, and
 * their retries, are delivered by whichever process holds their lease, so any number of server
 * processes may run it.
 *
 * @param options as for {@link deliverNudges}, plus the pause between runs (default 60 000 ms)
 * @returns the worker (not started); a failed run is logged and the next one tried
 */
export function createNudgeWorker(
  options: DeliverNudgesOptions & { intervalMs?: number },
): NudgeWorker {
  const intervalMs = options.intervalMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | null = null;
  let stopped = true;
  const tick = () => {
    running = deliverNudges(options)
      .then(() => {}, (error: unknown) => {
        options.log.warn("nudge delivery run failed", { error: errorMessage(error) });
      })
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
