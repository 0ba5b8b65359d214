/**
 * Feedback and dismissal, shared by the HTML forms and the JSON API: validation, ownership
 * (a person may only answer their own notifications and sign-ins) and durable recording through
 * the store's outbox.
 *
 * @module
 */
import { z } from "zod";
import type { Feedback } from "../engine/core/types.ts";
import { eventAnswerKey, isEventAnswerKey } from "../engine/core/answer_keys.ts";
import type { Ctx } from "./context.ts";
import { foldEmail } from "../engine/identity/emails.ts";
import { TokenBuckets } from "./guards/rate_limit.ts";
import { forgetReads, notificationsOf, viewFor } from "./rendering/person_data.ts";
import { fileReport } from "./security/report_capture.ts";

/**
 * Answers per person per minute (`BUDGETS.FEEDBACK_PER_MINUTE`), one set of buckets per app
 * (per process: each process of a deployment allows the budget on its own).
 */
const BUCKETS = new WeakMap<object, TokenBuckets>();

function answerBuckets(c: Ctx): TokenBuckets {
  const deps = c.var.deps;
  let buckets = BUCKETS.get(deps);
  if (buckets === undefined) {
    buckets = new TokenBuckets({
      requests: deps.config.BUDGETS.FEEDBACK_PER_MINUTE,
      perSeconds: 60,
    });
    BUCKETS.set(deps, buckets);
  }
  return buckets;
}

/** Limits on what a person can send. */
export const LIMITS = { id: 200, feedback: 100, notes: 2000 } as const;

/** A feedback body: the original's fields `{feedback, notes, id}`. */
export const FeedbackSchema = z.object({
  id: z.string().min(1).max(LIMITS.id),
  feedback: z.string().min(1).max(LIMITS.feedback),
  notes: z.string().max(LIMITS.notes).default(""),
});

/** Why a feedback or dismissal was refused. */
export class FeedbackRefused extends Error {
  override name = "FeedbackRefused";
  readonly status: 400 | 404 | 429 | 503;
  /** @param status HTTP status  @param message plain words for the person */
  constructor(status: 400 | 404 | 429 | 503, message: string) {
    super(message);
    this.status = status;
  }
}

/** What a notification id refers to, for the person. */
export type Answerable =
  | { kind: "notification"; answers: readonly string[] | null; eventKey?: string }
  | { kind: "event" };

/**
 * Finds the notification or sign-in `id` among the person's own. Someone else's id, or an unknown
 * one, is "not found" (the same answer, so ids of others cannot be probed).
 *
 * @throws {FeedbackRefused} 404 when the id is not the person's
 */
export async function findOwn(c: Ctx, email: string, id: string): Promise<Answerable> {
  if (isEventAnswerKey(id)) {
    // the sign-ins the person was shown: those of their snapshot (issue 13)
    const { events } = await viewFor(c, email, "events");
    if (events.some((e) => eventAnswerKey(e) === id)) return { kind: "event" };
  } else {
    const { items } = await notificationsOf(c, email);
    const n = items.find((x) => x.id === id);
    if (n) {
      return {
        kind: "notification",
        answers: n.type === "question" ? (n.answers ?? []).map((a) => a.value) : null,
        ...(n.event_id !== undefined ? { eventKey: n.event_id } : {}),
      };
    }
  }
  throw new FeedbackRefused(404, "There is no such alert for you.");
}

/**
 * Validates and records feedback; it is queued for every feedback sink in the same write. A
 * question about a sign-in (`event_id`) is answered under the sign-in's key, so the Overview and
 * the Activity page show one answer for it.
 *
 * @throws {FeedbackRefused} 429 past `BUDGETS.FEEDBACK_PER_MINUTE` answers of this person in a
 * minute, 400 for a bad answer, 404 for someone else's id, 503 when the store
 * cannot save it (the person is told; nothing is silently dropped)
 */
export async function recordFeedback(c: Ctx, email: string, feedback: Feedback): Promise<void> {
  const wait = answerBuckets(c).take(foldEmail(email), c.var.deps.now().getTime());
  if (wait > 0) {
    throw new FeedbackRefused(
      429,
      `You have sent many answers in the last minute. Please try again in ${wait} s.`,
    );
  }
  const target = await findOwn(c, email, feedback.id);
  if (target.kind === "notification" && target.answers !== null) {
    if (!target.answers.includes(feedback.feedback)) {
      throw new FeedbackRefused(400, "That answer is not one of the choices offered.");
    }
  } else if (target.kind === "event" && feedback.feedback !== "no" && feedback.feedback !== "yes") {
    throw new FeedbackRefused(400, "That answer is not one of the choices offered.");
  }
  const { store, feedbackSinks, now, log } = c.var.deps;
  const signInKey = target.kind === "event" ? feedback.id : target.eventKey;
  if (feedback.feedback === "no" && signInKey !== undefined) {
    try {
      await fileReport(c, email, signInKey);
    } catch (error: unknown) {
      log.error("could not save a sign-in report", { error: String(error) });
      throw new FeedbackRefused(503, "Your answer could not be saved right now. Please try again.");
    }
  }
  try {
    const id = target.kind === "notification" ? target.eventKey ?? feedback.id : feedback.id;
    await store.feedback.recordFeedback(email, { ...feedback, id }, {
      sinks: [...feedbackSinks],
      at: now(),
    });
    forgetReads(c, email); // the card and badge shown next read the answer back
  } catch (error: unknown) {
    log.error("could not save feedback", { error: String(error) });
    throw new FeedbackRefused(503, "Your answer could not be saved right now. Please try again.");
  }
}

/**
 * Dismisses a notification for good.
 *
 * @throws {FeedbackRefused} 404 for someone else's id, 503 when the store cannot save it
 */
export async function dismiss(c: Ctx, email: string, id: string): Promise<void> {
  await findOwn(c, email, id);
  const { store, now, log } = c.var.deps;
  try {
    await store.feedback.dismiss(email, id, now());
    forgetReads(c, email); // the badge shown next reads the dismissal back
  } catch (error: unknown) {
    log.error("could not save dismissal", { error: String(error) });
    throw new FeedbackRefused(503, "The alert could not be dismissed right now. Please try again.");
  }
}
