/**
 * Speaking to Elasticsearch 8.x and 9.x with one client. Changes when a supported major is added
 * or the way the node's version is learnt changes.
 *
 * ## Elasticsearch 8.x and 9.x
 *
 * The 9.x client sends `Accept`/`Content-Type: application/vnd.elasticsearch+json;
 * compatible-with=9`, which an 8.x node refuses (400 `media_type_header_exception`: "Accept version
 * must be either version 8 or 7, but found 9"). So every client made here asks the node once,
 * before its first request, what it runs (`GET /` → `version.number`, sent with plain
 * `application/json`, which every version accepts) and then sends the headers of that major:
 * `compatible-with=8` to an 8.x node, `compatible-with=9` to 9.x and later. When the credentials
 * may not read `GET /` (401/403, e.g. an API key without the `monitor` privilege), or a proxy in
 * front of the node refuses the root (404/405: it forwards only index paths), it sends plain
 * `application/json` and `application/x-ndjson`, which both majors accept. The question is shared
 * by concurrent requests and never carries one request's signal, so one giving up fails no
 * other; it has its own deadline instead (the client's request timeout, else
 * `VERSION_QUESTION_TIMEOUT_MS`), after which the next request asks again. `compatibleWith` in `ELASTICSEARCH_KWARGS` skips the question. A node older than 8 is
 * refused with a message naming its version. Supported: Elasticsearch 8.x and 9.x (`SUPPORTED_ES_MAJORS`).
 *
 * The check that the node is Elasticsearch at all is done here rather than by the client (whose
 * check throws before reading the answer): every 2xx answer must carry `x-elastic-product:
 * Elasticsearch`, and a node without it is named from its root document — "the node at … is
 * OpenSearch 2.13.0, not Elasticsearch" (`elasticsearch_product.ts`).
 *
 * @module
 */
import type {
  Transport,
  TransportOptions,
  TransportRequestOptions,
  TransportRequestParams,
  TransportResult,
} from "@elastic/elasticsearch";
import { untilAborted } from "../lib/abort.ts";
import { singleFlight } from "../lib/single_flight.ts";
import { underOwnDeadline } from "./http_abort.ts";
import { fromElasticsearch, notElasticsearch, productOf } from "./elasticsearch_product.ts";

/**
 * How long the shared version question (`GET /`) may take when the client has no request timeout
 * of its own (`DEFAULT_TIMEOUT: false`), in milliseconds: a node that accepts the connection and
 * never answers must not leave every later request waiting for the answer until a restart.
 */
export const VERSION_QUESTION_TIMEOUT_MS = 30_000;

/** The Elasticsearch majors Stethoscope is tested against. */
export const SUPPORTED_ES_MAJORS: readonly number[] = [8, 9];

/** The media types a request carries: JSON bodies and answers, and NDJSON bulk bodies. */
export interface EsMediaTypes {
  accept: string;
  "content-type": string;
}

/**
 * The `Accept` and `Content-Type` headers for a node of the given major: `compatible-with=8` for
 * 8.x, `compatible-with=9` for 9.x and later, plain JSON/NDJSON when the major is not known.
 *
 * @param major the node's major version, or `null` when unknown
 * @param ndjson whether the body is NDJSON (`_bulk`)
 * @returns the two headers
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   esMediaTypes(8, false).accept,
 *   "application/vnd.elasticsearch+json; compatible-with=8",
 * );
 * assert.equal(esMediaTypes(null, true)["content-type"], "application/x-ndjson");
 * ```
 */
export function esMediaTypes(major: number | null, ndjson: boolean): EsMediaTypes {
  if (major === null) {
    return {
      accept: "application/json",
      "content-type": ndjson ? "application/x-ndjson" : JSON_TYPE,
    };
  }
  const v = `; compatible-with=${Math.min(Math.max(major, 8), 9)}`;
  return {
    accept: `application/vnd.elasticsearch+json${v}`,
    "content-type": `application/vnd.elasticsearch+${ndjson ? "x-ndjson" : "json"}${v}`,
  };
}

const JSON_TYPE = "application/json";

/**
 * The major version of an Elasticsearch `version.number` (`"8.19.7"` → 8).
 *
 * @throws {RangeError} naming the version when it is older than 8 or not a version
 */
export function esMajor(number: unknown): number {
  const major = typeof number === "string" ? Number(/^(\d+)\./.exec(number)?.[1]) : NaN;
  if (!Number.isInteger(major)) {
    throw new RangeError(
      `the node did not say its Elasticsearch version (got ${JSON.stringify(number)})`,
    );
  }
  if (major < 8) {
    throw new RangeError(
      `Elasticsearch ${number} is not supported: Stethoscope works with Elasticsearch 8.x and 9.x`,
    );
  }
  return major;
}

/**
 * A transport that sends the media types of the node's major (see the module docs), asking the
 * node once (`GET /`) unless `pinned` names the major.
 *
 * @param Base the client's `Transport` class
 * @param pinned `ELASTICSEARCH_KWARGS.compatibleWith`, when set
 * @param questionTimeoutMs the version question's own deadline in milliseconds (the plugin's
 *   timeout, else {@link VERSION_QUESTION_TIMEOUT_MS}); past it the waiting requests fail with
 *   "Elasticsearch (GET / for its version) did not answer within N s" and the next one asks again
 * @returns the transport class to give the client
 */
export function compatibleTransport(
  Base: typeof Transport,
  pinned: 8 | 9 | undefined,
  questionTimeoutMs: number = VERSION_QUESTION_TIMEOUT_MS,
): typeof Transport {
  class CompatibleTransport extends Base {
    // Asked once and kept; a failed question (the node was down, or did not answer in time) is
    // asked again by the next request. Never a caller's signal: the answer is shared by every
    // request waiting for it, so one request giving up must not fail the others; its own
    // deadline bounds it.
    #major = singleFlight(
      () => pinned === undefined ? this.#detect() : Promise.resolve(pinned),
      { keepResult: true },
    );

    constructor(options: TransportOptions) {
      // The product check is this class's (`unbranded`): the client's throws before the answer is
      // read, so it could not say what the node is.
      const { productCheck: _theirs, ...rest } = options;
      super(rest);
    }

    #detect(): Promise<number | null> {
      return underOwnDeadline(
        questionTimeoutMs,
        "Elasticsearch (GET / for its version)",
        async (signal) => {
          try {
            const root = await this.#root(signal);
            const product = productOf(root.body);
            if (product !== null) throw notElasticsearch(originOf(root), product);
            const major = esMajor(
              (root.body as { version?: { number?: unknown } })?.version?.number,
            );
            if (unbranded(root)) throw notElasticsearch(originOf(root), null);
            return major;
          } catch (error: unknown) {
            // The client answers an aborted request with its own RequestAbortedError; at the
            // deadline the deadline's reason says what happened.
            if (signal.aborted) throw signal.reason;
            if (wontSayVersion(esStatus(error))) return null;
            throw error;
          }
        },
      );
    }

    /** `GET /` with plain JSON, which every version accepts; the whole answer. */
    #root(signal: AbortSignal): Promise<TransportResult> {
      return super.request({ method: "GET", path: "/" }, {
        headers: { ...esMediaTypes(null, false) },
        signal,
        meta: true,
      });
    }

    /** What the root document names, asked after another answer failed the product check. */
    async #productOfRoot(): Promise<string | null> {
      try {
        return productOf(
          (await underOwnDeadline(questionTimeoutMs, "GET /", (s) => this.#root(s))).body,
        );
      } catch {
        return null; // the answer's own failure is what the operator is told
      }
    }

    // The base class declares overloads (body, or body with meta); this one serves them all.
    override async request(
      params: TransportRequestParams,
      options: TransportRequestOptions = {},
    ): Promise<never> {
      // A request that gives up while waiting goes on with its aborted signal, so the client
      // answers it as it answers any aborted request (RequestAbortedError).
      const major = await untilAborted(this.#major.run(), options.signal);
      const types = esMediaTypes(major, params.bulkBody !== undefined && params.bulkBody !== null);
      const headers = { ...types, ...options.headers };
      const answer = await super.request(params, { ...options, headers, meta: true });
      if (unbranded(answer)) throw notElasticsearch(originOf(answer), await this.#productOfRoot());
      return (options.meta === true ? answer : answer.body) as never;
    }
  }
  return CompatibleTransport;
}

/** A 2xx answer without Elasticsearch's product header: not from Elasticsearch. */
function unbranded(answer: TransportResult): boolean {
  return answer.statusCode >= 200 && answer.statusCode < 300 && !fromElasticsearch(answer.headers);
}

/** The origin of the node that gave an answer (no credentials), for messages. */
function originOf(answer: TransportResult): string {
  return answer.meta.connection?.url.origin ?? "ELASTICSEARCH_HOSTS";
}

/**
 * Whether a status to `GET /` means the version will not be told, so plain JSON is sent: 401/403
 * (credentials without the `monitor` privilege) and the other refusals a proxy in front of the
 * node gives when it forwards only index paths (404, 405, ...). Timeouts (408), rate limits (429),
 * 5xx and network errors are not answers: the next request asks again.
 */
function wontSayVersion(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 &&
    status !== 429;
}

/**
 * The HTTP status of an `@elastic/elasticsearch` client error (`ResponseError.meta.statusCode`),
 * when the node answered.
 *
 * @param error anything a client call threw
 * @returns the status, or `undefined` for transport failures and non-client errors
 */
export function esStatus(error: unknown): number | undefined {
  return (error as { meta?: { statusCode?: number } } | null)?.meta?.statusCode ?? undefined;
}
