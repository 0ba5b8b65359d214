/**
 * The nudge ledger in the Elasticsearch store (issue 27), shared by several processes: a message
 * is one document in `<prefix>nudges` whose id is its idempotency key, created with
 * `op_type: create` (a second queue of the key is a 409, so a plan made twice is one message);
 * due messages are taken under a lease with optimistic concurrency (`if_seq_no` /
 * `if_primary_term`), so two processes never take the same one while its lease runs; a person's
 * history (items sent, messages sent, critical-only choice) is one document per person and
 * channel in `<prefix>nudge_people`, and their snoozes one per person, both updated the same way.
 *
 * @module
 */
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";
import type { NudgeHistory } from "../../engine/nudges/nudges.ts";
import type { NudgeLedger, NudgeState, QueuedNudge } from "../../engine/nudges/nudge_ports.ts";
import type { EsContext, Hit } from "./es_context.ts";
import type { IndexName } from "./es_indices.ts";

/** How many times a read-modify-write is retried when the document changes in between. */
const ATTEMPTS = 5;
/** How many of a person's latest messages the history keeps (the weekly cap needs a few). */
const KEEP_SENT = 50;

interface PersonDoc {
  email: string;
  channel: string;
  /** Item key → ms of the last message carrying it. */
  items: Record<string, number>;
  sent: number[];
  critical_only: boolean;
}

interface SnoozeDoc {
  email: string;
  /** Item key → ms until which it is snoozed. */
  snoozes: Record<string, number>;
}

/**
 * The nudge ledger of the Elasticsearch store.
 *
 * @param ctx the store's context (client, index names, clock, error wrapper)
 * @returns every method of `NudgeLedger` (see its docs in `engine/nudges/nudge_ports.ts`)
 */
export function esNudges(ctx: EsContext): NudgeLedger {
  const { client, run } = ctx;
  const nudges = "nudges";
  const people = "nudge_people";

  /** Reads a document (or `empty`), applies `change`, writes it back unless someone else did. */
  async function change<T extends object>(
    index: IndexName,
    id: string,
    empty: T,
    apply: (doc: T) => T,
  ): Promise<void> {
    const cas = { label: `nudge record "${id}"`, attempts: ATTEMPTS, refresh: "wait_for" as const };
    await ctx.compareAndSet(index, id, cas, (doc) => ({
      result: undefined,
      write: apply(structuredClone((doc ?? empty) as T)) as Record<string, unknown>,
    }));
  }

  async function read<T>(index: IndexName, id: string): Promise<T | undefined> {
    const got = await client.get({ index: ctx.index(index), id }, { ignore: [404] });
    return got.found ? got._source as T : undefined;
  }

  const personId = (email: string, channel: string) => ctx.id("person", email, channel);
  const snoozeId = (email: string) => ctx.id("snoozes", email);

  return {
    nudgeHistory(email: string, channel: string): Promise<NudgeHistory> {
      return run("read a person's nudges", async () => {
        const person = await read<PersonDoc>(people, await personId(email, channel));
        const snoozes = await read<SnoozeDoc>(people, await snoozeId(email));
        return {
          lastSent: new Map(
            Object.entries(person?.items ?? {}).map(([k, ms]) => [k, new Date(ms)]),
          ),
          sentAt: (person?.sent ?? []).map((ms) => new Date(ms)),
          snoozed: new Map(
            Object.entries(snoozes?.snoozes ?? {}).map(([k, ms]) => [k, new Date(ms)]),
          ),
          criticalOnly: person?.critical_only ?? false,
        };
      });
    },

    queueNudge(nudge: Omit<QueuedNudge, "attempts" | "nextAttemptAt">): Promise<boolean> {
      return run("queue a nudge", () =>
        ctx.writeIfUnchanged(nudges, nudge.key, {
          email: nudge.email,
          channel: nudge.channel,
          state: "queued",
          body: { message: nudge.message, itemKeys: nudge.itemKeys, critical: nudge.critical },
          queued_at: nudge.queuedAt.getTime(),
          attempts: 0,
          next_attempt_at: nudge.queuedAt.getTime(),
          lease_until: 0,
        }, { version: null, refresh: "wait_for" }));
    },

    takeDueNudges(now: Date, limit: number, leaseMs: number): Promise<QueuedNudge[]> {
      return run("take due nudges", async () => {
        const t = now.getTime();
        const hits = await ctx.search("nudges", {
          query: {
            bool: {
              filter: [
                { term: { state: "queued" } },
                { range: { next_attempt_at: { lte: t } } },
                { range: { lease_until: { lte: t } } },
              ],
            },
          },
          sort: [{ next_attempt_at: "asc" }, { queued_at: "asc" }],
          size: limit,
          seq_no_primary_term: true,
        });
        const taken: QueuedNudge[] = [];
        for (const hit of hits) {
          const source = hit._source ?? {};
          const doc = {
            ...source,
            lease_until: t + leaseMs,
            attempts: Number(source.attempts ?? 0) + 1,
          };
          const version = { seq: hit._seq_no!, term: hit._primary_term! };
          const written = await ctx.writeIfUnchanged(nudges, hit._id, doc, {
            version,
            refresh: "wait_for",
          });
          if (written) taken.push(toQueued(hit));
        }
        return taken;
      });
    },

    markNudgeSent(key: string, at: Date): Promise<void> {
      return run("record a sent nudge", async () => {
        let body: { itemKeys: string[] } | undefined;
        let person: { email: string; channel: string } | undefined;
        await change<Record<string, unknown>>(nudges, key, {}, (doc) => {
          if (doc.state !== "queued") {
            body = undefined;
            return doc;
          }
          body = doc.body as { itemKeys: string[] };
          person = { email: String(doc.email), channel: String(doc.channel) };
          return { ...doc, state: "sent", sent_at: at.getTime(), lease_until: 0 };
        });
        if (body === undefined || person === undefined) return;
        const { email, channel } = person;
        const ms = at.getTime();
        await change<PersonDoc>(
          people,
          await personId(email, channel),
          { email, channel, items: {}, sent: [], critical_only: false },
          (doc) => {
            for (const item of body!.itemKeys) doc.items[item] = Math.max(doc.items[item] ?? 0, ms);
            doc.sent = [...doc.sent, ms].sort((a, b) => b - a).slice(0, KEEP_SENT);
            return doc;
          },
        );
      });
    },

    markNudgeFailed(
      key: string,
      outcome: { at: Date; nextAttemptAt: Date; error: string; refused: boolean },
    ): Promise<void> {
      return run(
        "record a failed nudge",
        () =>
          change<Record<string, unknown>>(nudges, key, {}, (doc) =>
            doc.state !== "queued" ? doc : {
              ...doc,
              state: outcome.refused ? "refused" : "queued",
              next_attempt_at: outcome.nextAttemptAt.getTime(),
              last_error: outcome.error,
              lease_until: 0,
              ...(outcome.refused ? { refused_at: outcome.at.getTime() } : {}),
            }),
      );
    },

    snoozeNudgeItem(email: string, itemKey: string, until: Date): Promise<void> {
      return run(
        "snooze an item",
        async () =>
          change<SnoozeDoc>(people, await snoozeId(email), { email, snoozes: {} }, (doc) => {
            doc.snoozes[itemKey] = until.getTime();
            return doc;
          }),
      );
    },

    setCriticalOnly(email: string, channel: string, criticalOnly: boolean): Promise<void> {
      return run("save a message preference", async () =>
        change<PersonDoc>(
          people,
          await personId(email, channel),
          { email, channel, items: {}, sent: [], critical_only: false },
          (doc) => ({ ...doc, critical_only: criticalOnly }),
        ));
    },

    nudgesSince(
      since: Date,
      limit: number,
    ): Promise<(QueuedNudge & { state: NudgeState; sentAt?: Date })[]> {
      return run("list nudges", async () => {
        const hits = await ctx.search("nudges", {
          query: { range: { queued_at: { gte: since.getTime() } } },
          sort: [{ queued_at: "desc" }],
          size: limit,
        });
        return hits.map((hit) => {
          const s = hit._source ?? {};
          const state =
            (s.state === "sent" || s.state === "refused" ? s.state : "queued") as NudgeState;
          return {
            ...toQueued(hit),
            state,
            ...(typeof s.sent_at === "number" ? { sentAt: new Date(s.sent_at) } : {}),
          };
        });
      });
    },
  };
}

function toQueued(hit: Hit): QueuedNudge {
  const s = hit._source ?? {};
  const body = s.body as { message: NudgeMessage; itemKeys: string[]; critical: number };
  const item: QueuedNudge = {
    key: hit._id,
    email: String(s.email),
    channel: String(s.channel),
    message: body.message,
    itemKeys: body.itemKeys,
    critical: body.critical,
    queuedAt: new Date(Number(s.queued_at)),
    attempts: Number(s.attempts ?? 0),
    nextAttemptAt: new Date(Number(s.next_attempt_at)),
  };
  if (typeof s.last_error === "string") item.lastError = s.last_error;
  return item;
}
