/**
 * The Elasticsearch store's indices: one per concern, named `<prefix><suffix>`, each created with
 * explicit `dynamic: strict` mappings on start (the Elasticsearch counterpart of
 * `sqlite_migrations.ts`). Its one reason to change is a field added to, or an index added to,
 * the store; the reads and writes live in the per-concern `es_*.ts` modules.
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import { describeEsError } from "../elasticsearch.ts";
import { StoreError } from "./codec.ts";

const kw = { type: "keyword" } as const;
const date = { type: "date", format: "epoch_millis" } as const;
const opaque = { type: "object", enabled: false } as const;

/** Index suffix → mappings. `dynamic: strict` so a typo in a field name fails loudly. */
export const MAPPINGS = {
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
  revocations: { until: date },
  snapshots: {
    email: kw,
    collected_at: date,
    seen_at: date,
    body: { type: "text", index: false },
  },
  release_feeds: { fetched_at: date, body: { type: "text", index: false } },
  rate_buckets: { tokens: { type: "double" }, at: date, full_at: date },
  leases: { holder: kw, until: date },
  nudges: {
    email: kw,
    channel: kw,
    state: kw,
    body: opaque,
    queued_at: date,
    attempts: { type: "integer" },
    next_attempt_at: date,
    lease_until: date,
    sent_at: date,
    refused_at: date,
    last_error: { type: "text", index: false },
  },
  nudge_people: {
    email: kw,
    channel: kw,
    items: opaque,
    sent: date,
    critical_only: { type: "boolean" },
    snoozes: opaque,
  },
  // one row per device of a batch run (es_device_rows.ts)
  device_rows: {
    run: { type: "keyword" },
    seq: { type: "long" },
    email: { type: "keyword" },
    rating: { type: "keyword" },
    platform: { type: "keyword" },
    sources: { type: "keyword" },
    /** `practice:share` of every practice, e.g. `encryption:critical`. */
    states: { type: "keyword" },
    /** The practices that apply (share not `na`). */
    applies: { type: "keyword" },
    overdue_at: { type: "long" },
    serial: { type: "keyword" },
    hostname: { type: "keyword" },
    macs: { type: "keyword" },
    body: { type: "text", index: false },
  },
  exemptions: {
    email: kw,
    granted_at: date,
    ends_at: date,
    revoked: { type: "boolean" },
    body: { type: "text", index: false },
  },
  signin_reports: {
    email: kw,
    reported_at: date,
    handled_at: date,
    handled: { type: "boolean" },
    body: { type: "text", index: false },
  },
  person_devices: { email: kw, devices: kw, updated_at: date },
} as const;

/** The suffix of one of the store's indices. */
export type IndexName = keyof typeof MAPPINGS;

/**
 * Creates each of the store's indices that does not exist yet, with its mappings. An index
 * another process created meanwhile (`resource_already_exists_exception`) counts as created.
 *
 * @param client a connected client; it is closed when an index cannot be created
 * @param prefix prefix of every index name (`stethoscope-`)
 * @throws {StoreError} `Cannot create the store index "<name>": …` with Elasticsearch's words
 */
export async function ensureIndices(client: Client, prefix: string): Promise<void> {
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
}
