/**
 * What every concern of the Elasticsearch store works through: the client, the index names under
 * the store's prefix, stable document ids, the clock, and the one wrapper that turns any failure
 * into a `StoreError` naming the operation. Its one reason to change is how the store reaches
 * Elasticsearch or words its failures.
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import { describeEsError } from "../elasticsearch.ts";
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
}

/**
 * SHA-256 of the parts joined by NUL, in hex: the stable document id, so that writing the same
 * thing twice writes one document.
 *
 * @param parts the values that identify the document (email, notification id…)
 * @returns 64 lower-case hex digits
 * @example The id of a dismissal
 * ```ts
 * await stableId("fry@example.com", "n1"); // sha256("fry@example.com\u0000n1") in hex
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
 * @example A context over a client
 * ```ts
 * import type { Client } from "@elastic/elasticsearch";
 * declare const client: Client;
 * const ctx = esContext(client, { prefix: "stethoscope-", now: () => new Date() });
 * ctx.index("outbox"); // "stethoscope-outbox"
 * ```
 */
export function esContext(
  client: Client,
  options: { prefix: string; now: () => Date },
): EsContext {
  const index = (name: IndexName) => options.prefix + name;
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
    async deleteRange(
      name: IndexName,
      range: Record<string, { lt?: number; lte?: number }>,
    ): Promise<number> {
      const r = await client.deleteByQuery({ index: index(name), query: { range }, refresh: true });
      return r.deleted ?? 0;
    },
    id: stableId,
    now: options.now,
  };
}
