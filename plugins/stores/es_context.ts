/**
 * What every concern of the Elasticsearch store works through: the client, the index names under
 * the store's prefix, stable document ids, the clock, and the one wrapper that turns any failure
 * into a `StoreError` naming the operation. Its one reason to change is how the store reaches
 * Elasticsearch or words its failures.
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import { describeEsError, esStatus } from "../elasticsearch.ts";
import { StoreError } from "./codec.ts";
import type { IndexName } from "./es_indices.ts";
import { sha256Hex } from "../../lib/sha256.ts";

/** A search hit as the store reads it (`_seq_no`/`_primary_term` when asked for). */
export type Hit = {
  _id: string;
  _source?: Record<string, unknown>;
  _seq_no?: number;
  _primary_term?: number;
};

/**
 * One search of a combined read (`EsContext.msearch`): the index, the search request without
 * `index`, and how its hits become the answer. A concern's read is one part, so it is the same
 * query alone (`EsContext.read`) and inside a person read.
 */
export interface SearchPart<T> {
  index: IndexName;
  body: Record<string, unknown>;
  /**
   * The answer from the search's hits, and from how many documents matched (`hits.total.value`:
   * exact up to `track_total_hits`, 10,000 by default) — more than the hits means the search's
   * `size` cut the answer short.
   */
  decode(hits: Hit[], total: number): T;
}

/** The answers of a record of parts, by the same keys. */
export type PartAnswers<P> = { [K in keyof P]: P[K] extends SearchPart<infer T> ? T : never };

/** The store's connection, as the per-concern `es_*.ts` modules see it. */
export interface EsContext {
  client: Client;
  /** The full name of one of the store's indices (`<prefix><name>`). */
  index(name: IndexName): string;
  /**
   * Runs one operation; a failure other than a `StoreError` becomes
   * `StoreError("Cannot <what> in the Elasticsearch store: <Elasticsearch's words>")`.
   */
  run<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** The hits of a search of one index; `body` is the search request without `index`. */
  search(index: IndexName, body: Record<string, unknown>): Promise<Hit[]>;
  /** One part's answer, from one search. */
  read<T>(part: SearchPart<T>): Promise<T>;
  /**
   * Every part's answer from one `_msearch` request (one round trip); throws when any of its
   * searches failed (Elasticsearch answers each search's error beside the others').
   */
  msearch<P extends Record<string, SearchPart<unknown>>>(parts: P): Promise<PartAnswers<P>>;
  /**
   * Deletes the documents of one index matching a `range` query (`{ field: { lt: ms } }`), with
   * a refresh; resolves how many went.
   */
  deleteRange(
    index: IndexName,
    range: Record<string, { lt?: number; lte?: number }>,
  ): Promise<number>;
  /** The stable document id of the parts: {@link stableId}. */
  id(...parts: string[]): Promise<string>;
  /** The store's clock. */
  now(): Date;
  /**
   * Writes `document` over the document `id` if nobody wrote it since `version` was read
   * (`if_seq_no`/`if_primary_term`; `null`: creates it, if nobody did meanwhile).
   *
   * @returns `true` when written, `false` on a conflict (409: read again and decide again)
   */
  writeIfUnchanged(
    index: IndexName,
    id: string,
    document: Record<string, unknown>,
    options: { version: Version | null; refresh?: "wait_for" },
  ): Promise<boolean>;
  /**
   * Compare-and-set on one document: reads it (a real-time `GET`), lets `decide` choose from
   * what it holds (`null`: no such document), and writes `decide`'s `write` back only if nobody
   * wrote the document meanwhile (`if_seq_no`/`if_primary_term`, or `create` for a new one); on
   * a 409 it reads and decides again. A decision without `write` ends at once.
   *
   * @returns the `result` of the decision that was written (or needed no write)
   * @throws {StoreError} "`options.label` kept changing under concurrent updates" after
   *   `options.attempts` conflicts
   */
  compareAndSet<T>(
    index: IndexName,
    id: string,
    options: { label: string; attempts: number; refresh?: "wait_for" },
    decide: (source: Record<string, unknown> | null) => Decision<T>,
  ): Promise<T>;
}

/** `hits.total` as a number (0 when the search did not count). */
export function totalOf(total: number | { value: number } | undefined): number {
  return typeof total === "number" ? total : total?.value ?? 0;
}

/** The version a document was read at (`_seq_no`, `_primary_term`). */
export type Version = { seq: number; term: number };

/** What {@link EsContext.compareAndSet} does with a document: write it over, or leave it. */
export type Decision<T> = { result: T; write?: Record<string, unknown> };

/**
 * SHA-256 of the parts joined by NUL, in hex: the stable document id, so that writing the same
 * thing twice writes one document.
 *
 * @param parts the values that identify the document (email, notification id…)
 * @returns 64 lower-case hex digits
 * @example The id of a dismissal
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "../../lib/sha256.ts";
 * assert.equal(
 *   await stableId("fry@example.com", "n1"),
 *   await sha256Hex("fry@example.com\u0000n1"),
 * );
 * ```
 */
export async function stableId(...parts: string[]): Promise<string> {
  return await sha256Hex(parts.join("\u0000"));
}

/**
 * The context of one store.
 *
 * @param client a connected client
 * @param options `prefix` of every index name, and the clock `now`
 * @returns the context handed to each concern
 */
export function esContext(
  client: Client,
  options: { prefix: string; now: () => Date },
): EsContext {
  const index = (name: IndexName) => options.prefix + name;
  async function writeIfUnchanged(
    name: IndexName,
    id: string,
    document: Record<string, unknown>,
    o: { version: Version | null; refresh?: "wait_for" },
  ): Promise<boolean> {
    const refresh = o.refresh === undefined ? {} : { refresh: o.refresh };
    try {
      if (o.version === null) await client.create({ index: index(name), id, document, ...refresh });
      else {
        await client.index({
          index: index(name),
          id,
          document,
          if_seq_no: o.version.seq,
          if_primary_term: o.version.term,
          ...refresh,
        });
      }
      return true;
    } catch (error: unknown) {
      if (esStatus(error) === 409) return false;
      throw error;
    }
  }
  return {
    client,
    index,
    async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (error: unknown) {
        if (error instanceof StoreError) throw error;
        throw new StoreError(
          `Cannot ${what} in the Elasticsearch store: ${describeEsError(error)}`,
          { cause: error },
        );
      }
    },
    async search(name: IndexName, body: Record<string, unknown>): Promise<Hit[]> {
      const result = await client.search({ index: index(name), ...body });
      return result.hits.hits as Hit[];
    },
    async read<T>(part: SearchPart<T>): Promise<T> {
      const result = await client.search({ index: index(part.index), ...part.body });
      return part.decode(result.hits.hits as Hit[], totalOf(result.hits.total));
    },
    async msearch<P extends Record<string, SearchPart<unknown>>>(parts: P) {
      const entries = Object.entries(parts);
      const { responses } = await client.msearch({
        searches: entries.flatMap(([, p]) => [{ index: index(p.index) }, p.body]),
      });
      const out: Record<string, unknown> = {};
      entries.forEach(([key, part], i) => {
        const answer = responses[i] as { error?: { type?: string; reason?: string } } & {
          hits?: { hits: Hit[]; total?: number | { value: number } };
        };
        if (answer === undefined || answer.error !== undefined || answer.hits === undefined) {
          const e = answer?.error;
          throw new StoreError(
            `the ${part.index} search failed: ${e?.type ?? "no answer"}: ${e?.reason ?? ""}`.trim(),
          );
        }
        out[key] = part.decode(answer.hits.hits, totalOf(answer.hits.total));
      });
      return out as PartAnswers<P>;
    },
    async deleteRange(
      name: IndexName,
      range: Record<string, { lt?: number; lte?: number }>,
    ): Promise<number> {
      const r = await client.deleteByQuery({ index: index(name), query: { range }, refresh: true });
      return r.deleted ?? 0;
    },
    id: stableId,
    now: options.now,
    writeIfUnchanged,
    async compareAndSet(name, id, o, decide) {
      for (let attempt = 0; attempt < o.attempts; attempt++) {
        const got = await client.get({ index: index(name), id }, { ignore: [404] });
        const source = got.found ? (got._source ?? {}) as Record<string, unknown> : null;
        const { result, write } = decide(source);
        if (write === undefined) return result;
        const version = got.found ? { seq: got._seq_no!, term: got._primary_term! } : null;
        const refresh = o.refresh === undefined ? {} : { refresh: o.refresh };
        if (await writeIfUnchanged(name, id, write, { version, ...refresh })) return result;
      }
      throw new StoreError(`${o.label} kept changing under concurrent updates`);
    },
  };
}
