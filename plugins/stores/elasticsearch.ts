/**
 * The store on Elasticsearch, for several Stethoscope processes behind a load balancer. Indices
 * (`<prefix>dismissals`, `feedback`, `outbox`, `events`, `statuses`, `batch_runs`, `revocations`) are created
 * with explicit mappings on start; writes are keyed by stable ids so repeating one is harmless.
 *
 * ES has no multi-document transactions: `recordFeedback` writes the feedback and its outbox items
 * in one `_bulk` and, if any of them fails, deletes the ones that succeeded and throws. Outbox
 * items are *claimed* with optimistic concurrency (`if_seq_no`/`if_primary_term`) before they are
 * handed out, so two processes never deliver the same item at the same time; a claim lapses after
 * `claimMs` so an item held by a crashed process is retried. Within one process `dueOutbox` hands
 * its own claimed items out again (the outbox worker never runs twice at once).
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import type { Logger } from "../../config/log.ts";
import type {
  BatchRunSummary,
  OutboxItem,
  ReleaseFeedCopy,
  StatusObservation,
  Store,
} from "../../engine/ports.ts";
import type { AccessEvent, Feedback } from "../../engine/types.ts";
import { createEsClient, describeEsError, type EsConnection, esStatus } from "../elasticsearch.ts";
import {
  decodeBatchRun,
  decodeEvent,
  encodeBatchRun,
  encodeEvent,
  eventKey,
  observationKey,
  pickFeedback,
  StoreError,
} from "./codec.ts";
import {
  isRevokedDoc,
  pruneRevokedDocs,
  REVOCATION_MAPPINGS,
  revokeDoc,
} from "./es_revocations.ts";
import { esSnapshots, SNAPSHOT_MAPPING } from "./es_snapshots.ts";
import type { PersonSnapshot, SnapshotStore } from "../../engine/snapshots.ts";

/** Options of {@link createElasticsearchStore}. */
export interface ElasticsearchStoreOptions extends EsConnection {
  /** Prefix of every index name. Default `stethoscope-`. */
  ELASTICSEARCH_INDEX_PREFIX?: string;
  log: Logger;
  now?: () => Date;
  /** How long a claimed outbox item is reserved for this process, in ms. Default 120 000. */
  claimMs?: number;
  /** Per-request deadline in ms. Default 10 000. */
  timeoutMs?: number;
  /** A ready client (tests); otherwise one is created from the hosts. */
  client?: Client;
}

const kw = { type: "keyword" } as const;
const date = { type: "date", format: "epoch_millis" } as const;
const opaque = { type: "object", enabled: false } as const;

/** Index suffix → mappings. `dynamic: strict` so a typo in a field name fails loudly. */
const MAPPINGS = {
  dismissals: { email: kw, notification_id: kw, dismissed_at: date },
  feedback: { email: kw, notification_id: kw, feedback: opaque, created_at: date },
  outbox: {
    feedback_id: kw,
    sink: kw,
    email: kw,
    feedback: opaque,
    created_at: date,
    attempts: { type: "integer" },
    next_attempt_at: date,
    delivered: { type: "boolean" },
    delivered_at: date,
    last_error: { type: "text", index: false },
    claimed_by: kw,
    claimed_until: date,
  },
  events: { source: kw, key: kw, username: kw, at: date, event: opaque },
  statuses: { device: kw, practice: kw, status: kw, since: date, seen_at: date },
  batch_runs: { started_at: date, run: opaque },
  revocations: REVOCATION_MAPPINGS,
  snapshots: SNAPSHOT_MAPPING,
  release_feeds: { fetched_at: date, body: { type: "text", index: false } },
} as const;

type IndexName = keyof typeof MAPPINGS;
type Hit = {
  _id: string;
  _source?: Record<string, unknown>;
  _seq_no?: number;
  _primary_term?: number;
};

/** SHA-256 of the parts joined by NUL, in hex: the stable document id. */
async function stableId(...parts: string[]): Promise<string> {
  const bytes = new TextEncoder().encode(parts.join("\u0000"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Connects to Elasticsearch and creates any missing index with its mappings.
 *
 * @param options hosts, client options, index prefix, logger
 * @returns the store; throws a `StoreError` when ES cannot be reached or an index not created
 */
export async function createElasticsearchStore(options: ElasticsearchStoreOptions): Promise<Store> {
  const prefix = options.ELASTICSEARCH_INDEX_PREFIX ?? "stethoscope-";
  const client = options.client ??
    await createEsClient(options, { timeoutMs: options.timeoutMs ?? 10_000 });
  for (const [suffix, properties] of Object.entries(MAPPINGS)) {
    const index = prefix + suffix;
    try {
      if (await client.indices.exists({ index })) continue;
      await client.indices.create({ index, mappings: { dynamic: "strict", properties } });
    } catch (error: unknown) {
      const text = describeEsError(error);
      if (text.includes("resource_already_exists_exception")) continue; // another process won
      await client.close();
      throw new StoreError(`Cannot create the store index "${index}": ${text}`, { cause: error });
    }
  }
  return new EsStore(client, prefix, options);
}

class EsStore implements Store {
  readonly kind = "elasticsearch";
  readonly #client: Client;
  readonly #prefix: string;
  readonly #now: () => Date;
  readonly #claimMs: number;
  readonly #owner = crypto.randomUUID();
  readonly #snapshots: SnapshotStore;

  constructor(client: Client, prefix: string, options: ElasticsearchStoreOptions) {
    this.#client = client;
    this.#prefix = prefix;
    this.#now = options.now ?? (() => new Date());
    this.#claimMs = options.claimMs ?? 120_000;
    this.#snapshots = esSnapshots({
      client,
      index: this.#index("snapshots"),
      id: stableId,
      run: (what, fn) => this.#do(what, fn),
    });
  }

  #index(name: IndexName): string {
    return this.#prefix + name;
  }

  async #do<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error: unknown) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`Cannot ${what} in the Elasticsearch store: ${describeEsError(error)}`, {
        cause: error,
      });
    }
  }

  async #search(index: IndexName, body: Record<string, unknown>): Promise<Hit[]> {
    const result = await this.#client.search({ index: this.#index(index), ...body });
    return result.hits.hits as Hit[];
  }

  dismiss(email: string, notificationId: string, at: Date): Promise<void> {
    return this.#do("save a dismissal", async () => {
      try {
        await this.#client.create({
          index: this.#index("dismissals"),
          id: await stableId(email, notificationId),
          document: { email, notification_id: notificationId, dismissed_at: at.getTime() },
          refresh: "wait_for",
        });
      } catch (error: unknown) {
        if (esStatus(error) !== 409) throw error; // 409: already dismissed, keep the first time
      }
    });
  }

  dismissed(email: string): Promise<Set<string>> {
    return this.#do("read dismissals", async () => {
      const hits = await this.#search("dismissals", {
        query: { term: { email } },
        size: 10_000,
      });
      return new Set(hits.map((h) => String(h._source?.notification_id)));
    });
  }

  recordFeedback(
    email: string,
    feedback: Feedback,
    options: { sinks: string[]; at: Date },
  ): Promise<void> {
    return this.#do("record feedback", async () => {
      const at = options.at.getTime();
      const fb = pickFeedback(feedback);
      const feedbackId = crypto.randomUUID();
      const docs: { index: IndexName; id: string; doc: Record<string, unknown> }[] = [{
        index: "feedback",
        id: feedbackId,
        doc: { email, notification_id: fb.id, feedback: fb, created_at: at },
      }];
      for (const sink of options.sinks) {
        docs.push({
          index: "outbox",
          id: await stableId(feedbackId, sink),
          doc: {
            feedback_id: feedbackId,
            sink,
            email,
            feedback: fb,
            created_at: at,
            attempts: 0,
            next_attempt_at: at,
            delivered: false,
          },
        });
      }
      const result = await this.#client.bulk({
        refresh: "wait_for",
        operations: docs.flatMap((
          d,
        ) => [{ create: { _index: this.#index(d.index), _id: d.id } }, d.doc]),
      });
      if (!result.errors) return;
      const written = docs.filter((_, i) => result.items[i]?.create?.error === undefined);
      const failure = result.items.find((it) => it.create?.error !== undefined)?.create?.error;
      if (written.length > 0) {
        await this.#client.bulk({
          refresh: "wait_for",
          operations: written.map((d) => ({ delete: { _index: this.#index(d.index), _id: d.id } })),
        });
      }
      throw new StoreError(
        `Cannot record feedback in the Elasticsearch store: ${failure?.type ?? "error"}: ${
          failure?.reason ?? "unknown"
        } (nothing was stored)`,
      );
    });
  }

  answers(email: string): Promise<Map<string, string>> {
    return this.#do("read answers", async () => {
      const hits = await this.#search("feedback", {
        query: { term: { email } },
        sort: [{ created_at: "asc" }],
        size: 10_000,
      });
      const map = new Map<string, string>();
      for (const h of hits) {
        map.set(String(h._source?.notification_id), (h._source?.feedback as Feedback).feedback);
      }
      return map;
    });
  }

  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
    return this.#do("read the outbox", async () => {
      const t = now.getTime();
      const hits = await this.#search("outbox", {
        query: {
          bool: {
            filter: [{ term: { delivered: false } }, { range: { next_attempt_at: { lte: t } } }],
            // Skip items another process holds; this process's own claims are handed out again
            // (its worker guards against overlapping runs).
            must_not: [{
              bool: {
                filter: [{ range: { claimed_until: { gt: this.#now().getTime() } } }],
                must_not: [{ term: { claimed_by: this.#owner } }],
              },
            }],
          },
        },
        sort: [{ next_attempt_at: "asc" }, { created_at: "asc" }],
        size: limit,
        seq_no_primary_term: true,
      });
      const claimed: OutboxItem[] = [];
      for (const hit of hits) {
        const until = this.#now().getTime() + this.#claimMs;
        const held = await this.#update(
          hit._id,
          { claimed_by: this.#owner, claimed_until: until },
          {
            seq: hit._seq_no!,
            term: hit._primary_term!,
          },
        );
        if (held) claimed.push(toOutboxItem(hit));
      }
      return claimed;
    });
  }

  /** Updates an outbox item if nobody changed it since `version`; false on a conflict. */
  async #update(
    id: string,
    doc: Record<string, unknown>,
    version: { seq: number; term: number },
  ): Promise<boolean> {
    try {
      await this.#client.update({
        index: this.#index("outbox"),
        id,
        doc,
        if_seq_no: version.seq,
        if_primary_term: version.term,
        refresh: "wait_for",
      });
      return true;
    } catch (error: unknown) {
      if (esStatus(error) === 409) return false;
      throw error;
    }
  }

  /**
   * Applies `change` to an undelivered item read fresh, retrying on a concurrent change.
   * `change` returns `null` to leave the item alone.
   */
  async #mark(
    id: string,
    change: (source: Record<string, unknown>) => Record<string, unknown> | null,
  ): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const got = await this.#client.get({ index: this.#index("outbox"), id }, { ignore: [404] });
      if (!got.found) return;
      const source = got._source as Record<string, unknown>;
      if (source.delivered === true) return;
      const doc = change(source);
      if (doc === null) return;
      if (await this.#update(id, doc, { seq: got._seq_no!, term: got._primary_term! })) return;
    }
    throw new StoreError(`outbox item "${id}" kept changing under concurrent updates`);
  }

  markDelivered(id: string, at: Date): Promise<void> {
    // Delivery happened: record it even if another process has claimed the item since.
    return this.#do(
      "mark an outbox item delivered",
      () =>
        this.#mark(
          id,
          () => ({ delivered: true, delivered_at: at.getTime(), claimed_until: null }),
        ),
    );
  }

  markFailed(id: string, options: { nextAttemptAt: Date; error: string }): Promise<void> {
    return this.#do("mark an outbox item failed", () =>
      this.#mark(id, (source) => {
        const heldElsewhere = source.claimed_by !== this.#owner &&
          Number(source.claimed_until ?? 0) > this.#now().getTime();
        if (heldElsewhere) return null; // another process owns the retry now
        return {
          attempts: Number(source.attempts ?? 0) + 1,
          next_attempt_at: options.nextAttemptAt.getTime(),
          last_error: options.error,
          claimed_until: null,
        };
      }));
  }

  outboxDepth(): Promise<number> {
    return this.#do("count the outbox", async () => {
      const r = await this.#client.count({
        index: this.#index("outbox"),
        query: { term: { delivered: false } },
      });
      return r.count;
    });
  }

  putEvents(source: string, events: AccessEvent[]): Promise<void> {
    return this.#do("cache events", async () => {
      if (events.length === 0) return;
      const operations: unknown[] = [];
      for (const e of events) {
        const key = eventKey(e);
        operations.push({
          index: { _index: this.#index("events"), _id: await stableId(source, key) },
        }, {
          source,
          key,
          username: e.username ?? "",
          at: e.timestamp.getTime(),
          event: JSON.parse(encodeEvent(e)),
        });
      }
      const r = await this.#client.bulk({ refresh: "wait_for", operations });
      if (r.errors) throw new StoreError("Cannot cache events: some were refused by Elasticsearch");
    });
  }

  eventsFor(source: string, username: string, since: Date): Promise<AccessEvent[]> {
    return this.#do("read cached events", async () => {
      const hits = await this.#search("events", {
        query: {
          bool: {
            filter: [
              { term: { source } },
              { term: { username } },
              { range: { at: { gte: since.getTime() } } },
            ],
          },
        },
        sort: [{ at: "desc" }],
        size: 10_000,
      });
      return hits.map((h) => decodeEvent(JSON.stringify(h._source?.event)));
    });
  }

  latestEventTime(source: string): Promise<Date | null> {
    return this.#do("read cached events", async () => {
      const [hit] = await this.#search("events", {
        query: { term: { source } },
        sort: [{ at: "desc" }],
        size: 1,
      });
      return hit === undefined ? null : new Date(Number(hit._source?.at));
    });
  }

  pruneEvents(before: Date): Promise<number> {
    return this.#do("prune cached events", async () => {
      const r = await this.#client.deleteByQuery({
        index: this.#index("events"),
        query: { range: { at: { lt: before.getTime() } } },
        refresh: true,
      });
      return r.deleted ?? 0;
    });
  }

  observe(observations: StatusObservation[]): Promise<Map<string, Date>> {
    return this.#do("record practice statuses", async () => {
      const out = new Map<string, Date>();
      if (observations.length === 0) return out;
      const ids = await Promise.all(observations.map((o) => stableId(o.device, o.practice)));
      const got = await this.#client.mget({ index: this.#index("statuses"), ids });
      const operations: unknown[] = [];
      observations.forEach((o, i) => {
        const prev = got.docs[i] as { found?: boolean; _source?: Record<string, unknown> };
        const seen = o.since.getTime();
        const keep = prev.found === true && prev._source?.status === o.status;
        const since = keep ? Number(prev._source?.since) : seen;
        out.set(observationKey(o.device, o.practice), new Date(since));
        operations.push({ index: { _index: this.#index("statuses"), _id: ids[i] } }, {
          device: o.device,
          practice: o.practice,
          status: o.status,
          since,
          seen_at: seen,
        });
      });
      const r = await this.#client.bulk({ refresh: "wait_for", operations });
      if (r.errors) throw new StoreError("Cannot record practice statuses: some were refused");
      return out;
    });
  }

  saveBatchRun(run: BatchRunSummary): Promise<void> {
    return this.#do("save a batch run", async () => {
      await this.#client.index({
        index: this.#index("batch_runs"),
        id: run.id,
        document: { started_at: run.startedAt.getTime(), run: JSON.parse(encodeBatchRun(run)) },
        refresh: "wait_for",
      });
    });
  }

  batchRuns(limit: number): Promise<BatchRunSummary[]> {
    return this.#do("read batch runs", async () => {
      const hits = await this.#search("batch_runs", {
        query: { match_all: {} },
        sort: [{ started_at: "desc" }],
        size: limit,
      });
      return hits.map((h) => decodeBatchRun(JSON.stringify(h._source?.run)));
    });
  }

  // ---- revocations (es_revocations.ts) ----
  revoke(id: string, options: { until: Date; now: Date }): Promise<boolean> {
    const o = { id, untilMs: options.until.getTime(), nowMs: options.now.getTime() };
    return this.#do(
      "revoke a session",
      () => revokeDoc(this.#client, this.#index("revocations"), o),
    );
  }

  isRevoked(id: string, now: Date): Promise<boolean> {
    const o = { id, nowMs: now.getTime() };
    return this.#do(
      "read revoked sessions",
      () => isRevokedDoc(this.#client, this.#index("revocations"), o),
    );
  }

  pruneRevoked(now: Date): Promise<number> {
    return this.#do(
      "prune revoked sessions",
      () => pruneRevokedDocs(this.#client, this.#index("revocations"), now.getTime()),
    );
  }

  // ---- snapshots (issue 13): see es_snapshots.ts ----
  putSnapshot(snapshot: PersonSnapshot): Promise<void> {
    return this.#snapshots.putSnapshot(snapshot);
  }
  snapshot(email: string): ReturnType<SnapshotStore["snapshot"]> {
    return this.#snapshots.snapshot(email);
  }
  markSnapshotSeen(email: string, at: Date): Promise<void> {
    return this.#snapshots.markSnapshotSeen(email, at);
  }
  pruneSnapshots(before: Date): Promise<number> {
    return this.#snapshots.pruneSnapshots(before);
  }
  snapshotCount(): Promise<number> {
    return this.#snapshots.snapshotCount();
  }

  // --- release-feed cache: one document per feed, id = its name ---

  releaseFeed(name: string): Promise<ReleaseFeedCopy | null> {
    return this.#do("read a release feed", async () => {
      const hits = await this.#search("release_feeds", {
        query: { ids: { values: [name] } },
        size: 1,
      });
      const s = hits[0]?._source;
      if (!s) return null;
      return { name, fetchedAt: new Date(Number(s.fetched_at)), body: String(s.body) };
    });
  }

  putReleaseFeed(copy: ReleaseFeedCopy): Promise<void> {
    return this.#do("save a release feed", async () => {
      await this.#client.index({
        index: this.#index("release_feeds"),
        id: copy.name,
        document: { fetched_at: copy.fetchedAt.getTime(), body: copy.body },
        refresh: "wait_for",
      });
    });
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

function toOutboxItem(hit: Hit): OutboxItem {
  const s = hit._source ?? {};
  const item: OutboxItem = {
    id: hit._id,
    sink: String(s.sink),
    email: String(s.email),
    feedback: pickFeedback(s.feedback as Feedback),
    createdAt: new Date(Number(s.created_at)),
    attempts: Number(s.attempts ?? 0),
    nextAttemptAt: new Date(Number(s.next_attempt_at)),
  };
  if (typeof s.last_error === "string") item.lastError = s.last_error;
  return item;
}
