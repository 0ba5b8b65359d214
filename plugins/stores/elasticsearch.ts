/**
 * The store on Elasticsearch, for several Stethoscope processes behind a load balancer. This
 * module connects, creates any missing index with its mappings (es_indices.ts), and builds the
 * store from one module per concern, all working through one context (es_context.ts): dismissals
 * and feedback (es_feedback.ts), the outbox and its claims between processes (es_outbox.ts), the
 * event cache (es_events.ts), status history (es_statuses.ts), batch runs (es_batch_runs.ts),
 * revocations (es_revocations.ts), snapshots (es_snapshots.ts), the release-feed cache
 * (es_release_feeds.ts) and the rate limits and leases shared by processes (es_coordination.ts).
 * Writes are keyed by stable ids so repeating one is harmless.
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import type { Logger } from "../../engine/core/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { createEsClient, type EsConnection } from "../elasticsearch.ts";
import { esBatchRuns } from "./es_batch_runs.ts";
import { esDeviceRows } from "./es_device_rows.ts";
import { esContext } from "./es_context.ts";
import { esEvents } from "./es_events.ts";
import { esFeedback } from "./es_feedback.ts";
import { esPersonReads } from "./es_person_reads.ts";
import { ensureIndices } from "./es_indices.ts";
import { esNudges } from "./es_nudges.ts";
import { esExemptions, esSigninReports } from "./es_security.ts";
import { esOutbox } from "./es_outbox.ts";
import { esReleaseFeeds } from "./es_release_feeds.ts";
import { esCoordination } from "./es_coordination.ts";
import { esRevocations } from "./es_revocations.ts";
import { esSnapshots } from "./es_snapshots.ts";
import { esStatuses } from "./es_statuses.ts";

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
  await ensureIndices(client, prefix);
  const ctx = esContext(client, { prefix, now: options.now ?? (() => new Date()) });
  return {
    kind: "elasticsearch",
    feedback: esFeedback(ctx),
    outbox: esOutbox(ctx, { claimMs: options.claimMs ?? 120_000 }),
    events: esEvents(ctx),
    statuses: esStatuses(ctx),
    batchRuns: esBatchRuns(ctx),
    revocations: esRevocations(ctx),
    snapshots: esSnapshots(ctx),
    releaseFeeds: esReleaseFeeds(ctx),
    coordination: esCoordination(ctx),
    nudges: esNudges(ctx),
    deviceRows: esDeviceRows(ctx),
    exemptions: esExemptions(ctx),
    signinReports: esSigninReports(ctx),
    personReads: esPersonReads(ctx),
    close: () => client.close(),
  };
}
