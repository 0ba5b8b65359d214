/**
 * Writes documents to Elasticsearch in `_bulk` bodies of about `flushBytes` (issue 25), so a run
 * over 100,000 people takes a few hundred requests instead of one per person, and counts what
 * became of every document: written, retried, lost.
 *
 * Retries follow Elastic's own bulk helper (`client.helpers.bulk`, elasticsearch-js
 * `lib/helpers.js`): items answered 429 (`es_rejected_execution_exception`, the write queue is
 * full: elastic/logstash#1631) are sent again, alone, after a wait. Unlike the helper we also
 * retry items answered 503 and whole requests answered 429/502/503/504 or lost in transport, wait
 * twice as long before each new attempt (bounded: `retries` attempts), and never abort the run
 * on a failed request: its documents are counted lost and named, and the batch exits non-zero.
 * The helper itself is not used because it retries only 429 items at a fixed wait and rejects as
 * a whole — without counting the documents still in flight — when one request fails.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Client } from "@elastic/elasticsearch";
import { sleep } from "../lib/abort.ts";
import { describeEsError } from "./elasticsearch.ts";

/** What a writer has done so far. */
export interface BulkTally {
  /** Documents the node acknowledged. */
  written: number;
  /** Documents sent again after a 429/503 (counted once per new attempt). */
  retried: number;
  /** Documents given up on. */
  lost: number;
  /** `_bulk` requests sent (retries included). */
  requests: number;
  /** Bytes of `_bulk` bodies sent (retries included). */
  bytes: number;
}

/** One document given up on: whose it was, its id, and why. */
export interface LostDocument {
  label: string;
  id: string;
  why: string;
}

/** Options of {@link createBulkWriter}. */
export interface BulkWriterOptions {
  /** A body is sent once its NDJSON reaches this many bytes (Elastic's helper: 5,000,000). */
  flushBytes: number;
  /** `_bulk` requests in flight at once (≥ 1); `add()` waits while all are busy. */
  concurrency: number;
  /** New attempts for refused items or a failed request, after the first (≥ 0). */
  retries: number;
  /** Wait before the first new attempt, in ms; doubled before each later one. */
  waitMs: number;
  /** Called once per document given up on (e.g. to log it). */
  onLost?: (lost: LostDocument) => void;
}

/** A `_bulk` writer; see {@link createBulkWriter}. */
export interface BulkWriter {
  /**
   * Queues one `index` operation; resolves once it is queued (waits while `concurrency` bodies
   * are in flight and the next one is full). Never rejects for Elasticsearch's answers.
   */
  add(index: string, id: string, document: unknown, label: string): Promise<void>;
  /** Sends what is queued and resolves when every document is written or lost. */
  flush(): Promise<void>;
  /** The counts so far. */
  tally(): BulkTally;
}

interface Entry {
  id: string;
  label: string;
  /** Where the entry's two NDJSON lines are in the body they were encoded into. */
  start: number;
  end: number;
}

/**
 * The `_bulk` body being filled: each document is encoded straight into its bytes when it is
 * added, so no document's string outlives `add()` (issue 25: strings waiting for their body were
 * the run's garbage). Room for `flushBytes` and a little more at once; doubles for a big document.
 * A body whose request is done is emptied and filled again (`reset()`): a run allocates its few
 * bodies once, not one of several MB per request.
 */
class BodyBytes {
  #bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.#bytes = new Uint8Array(capacity);
  }
  /** Empties the body for the next request's documents (its bytes are kept). */
  reset(): this {
    this.length = 0;
    return this;
  }
  /** Appends `text` and a newline. */
  line(text: string): void {
    const start = this.length;
    const need = start + text.length * 3 + 1; // UTF-8: at most 3 bytes per UTF-16 unit
    if (need > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(need, this.#bytes.length * 2));
      bigger.set(this.#bytes.subarray(0, start));
      this.#bytes = bigger;
    }
    const { written } = encoder.encodeInto(text, this.#bytes.subarray(start));
    this.#bytes[start + written] = 0x0a;
    this.length = start + written + 1;
  }
  /** The bytes so far, as the body of a request. */
  body(): Buffer {
    return Buffer.from(this.#bytes.buffer, 0, this.length);
  }
}
const encoder = new TextEncoder();

/** A body of only `entries` (those to send again), taken from the body they were sent in. */
function alone(entries: readonly Entry[], from: Buffer): { entries: Entry[]; body: Buffer } {
  let at = 0;
  const moved = entries.map((e) => {
    const start = at;
    at += e.end - e.start;
    return { ...e, start, end: at };
  });
  return { entries: moved, body: Buffer.concat(entries.map((e) => from.subarray(e.start, e.end))) };
}

/** Whole-request answers worth another attempt; `undefined` is a transport failure. */
const RETRY_STATUS = new Set([429, 502, 503, 504]);
/** Item answers worth another attempt (the node was busy, not the document wrong). */
const RETRY_ITEM = new Set([429, 503]);

function statusOf(error: unknown): number | undefined {
  const status = (error as { meta?: { statusCode?: number } } | null)?.meta?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * A writer over `client`'s `_bulk` API with size-bounded bodies, bounded concurrency and bounded
 * retries with doubling waits; see the module doc.
 *
 * @param client an Elasticsearch client (its own `maxRetries` should be 0)
 * @param options sizes, concurrency and retry policy
 */
export function createBulkWriter(client: Client, options: BulkWriterOptions): BulkWriter {
  const tally: BulkTally = { written: 0, retried: 0, lost: 0, requests: 0, bytes: 0 };
  let queued: Entry[] = [];
  let running = 0;
  const inFlight = new Set<Promise<void>>();
  const waiting: (() => void)[] = [];

  function lose(entries: readonly Entry[], why: string): void {
    tally.lost += entries.length;
    for (const e of entries) options.onLost?.({ label: e.label, id: e.id, why });
  }

  async function attempt(entries: Entry[], bytes: Buffer): Promise<Entry[] | string> {
    tally.requests++;
    tally.bytes += bytes.length;
    let items: Record<string, { status: number; error?: { type?: string; reason?: string } }>[];
    try {
      // a Buffer goes out as the NDJSON body as it is (the transport's shouldSerialize)
      const answer = await client.bulk({ operations: bytes as unknown as object[] });
      items = answer.items as typeof items;
    } catch (error: unknown) {
      const status = statusOf(error);
      return status === undefined || RETRY_STATUS.has(status) ? entries : describeEsError(error);
    }
    const again: Entry[] = [];
    entries.forEach((entry, i) => {
      const item = items[i] === undefined ? undefined : Object.values(items[i]!)[0];
      if (item === undefined) lose([entry], "the _bulk answer had no item for it");
      else if (item.error === undefined && item.status < 300) tally.written++;
      else if (RETRY_ITEM.has(item.status)) again.push(entry);
      else lose([entry], `${item.status} ${item.error?.type ?? ""}: ${item.error?.reason ?? ""}`);
    });
    return again;
  }

  async function send(entries: Entry[], body: Buffer): Promise<void> {
    let pending = entries;
    let bytes = body;
    for (let n = 0;; n++) {
      const left = await attempt(pending, bytes);
      if (typeof left === "string") return lose(pending, left);
      if (left.length === 0) return;
      if (n >= options.retries) {
        return lose(left, `still refused (429/503) after ${options.retries} retries`);
      }
      tally.retried += left.length;
      await sleep(options.waitMs * 2 ** n);
      pending = left;
      ({ entries: pending, body: bytes } = alone(left, bytes));
    }
  }

  /** Bodies whose requests are done, to be filled again (at most `concurrency` kept). */
  const spare: BodyBytes[] = [];
  function start(entries: Entry[], body: BodyBytes): void {
    running++;
    const p = send(entries, body.body()).catch((error: unknown) => lose(entries, String(error)))
      .finally(() => {
        running--;
        inFlight.delete(p);
        if (spare.length < Math.max(1, options.concurrency)) spare.push(body.reset());
        waiting.shift()?.();
      });
    inFlight.add(p);
  }

  const newBody = () =>
    spare.pop() ?? new BodyBytes(Math.max(1024, Math.ceil(options.flushBytes * 1.1)));
  let body = newBody();
  /** Starts a request with the queued documents, and takes a body for the next ones. */
  function startQueued(): void {
    const entries = queued;
    const full = body;
    queued = [];
    body = newBody();
    start(entries, full);
  }

  return {
    async add(index, id, document, label) {
      const start = body.length;
      body.line(JSON.stringify({ index: { _index: index, _id: id } }));
      body.line(JSON.stringify(document));
      queued.push({ id, label, start, end: body.length });
      if (body.length < options.flushBytes) return;
      while (running >= Math.max(1, options.concurrency)) {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      if (queued.length > 0 && body.length >= options.flushBytes) startQueued();
    },
    async flush() {
      if (queued.length > 0) startQueued();
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    tally: () => ({ ...tally }),
  };
}
