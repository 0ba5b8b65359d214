/**
 * The base of every Elasticsearch plugin (es_notifications, es_logger, batch_es, the ES store):
 * the shared config keys, client creation (loading `@elastic/elasticsearch` only when needed),
 * monthly index names, and error messages an operator can act on.
 *
 * `ELASTICSEARCH_KWARGS` accepts this subset of client options (JSON):
 * - `auth`: `{"username": "...", "password": "..."}` or `{"apiKey": "..."}`
 * - `tls`: `{"rejectUnauthorized": false}` and/or `{"ca": "<PEM text>"}`
 * - the original's Python names `verify_certs` (bool) and `http_auth` (`"user:pass"` or
 *   `["user", "pass"]`), mapped to the above
 * - `maxRetries` (number of retries per request, default 0: callers have their own deadlines)
 * - `compatibleWith` (`8` or `9`): the Elasticsearch major to speak to, instead of asking the node
 *
 * How a client speaks to Elasticsearch 8.x and 9.x alike (media types, asking the node's version)
 * is `elasticsearch_compat.ts`.
 *
 * @module
 */
import type { Client, ClientOptions } from "@elastic/elasticsearch";
import { ANSWER_CEILINGS } from "./outbound.ts";
import { z } from "zod";
import { timeoutSeconds } from "./plugin.ts";
import { compatibleTransport, esStatus } from "./elasticsearch_compat.ts";
import { UpstreamError } from "../engine/core/ports.ts";
import { NotElasticsearchError } from "./elasticsearch_product.ts";

export { esStatus };

const secret = z.string().min(1);

/** `ELASTICSEARCH_KWARGS`: the documented subset of client options. */
export const esKwargsSchema = z.object({
  auth: z.union([
    z.object({ username: secret, password: secret }).strict(),
    z.object({ apiKey: secret }).strict(),
  ]).optional(),
  tls: z.object({ rejectUnauthorized: z.boolean().optional(), ca: secret.optional() }).strict()
    .optional(),
  verify_certs: z.boolean().optional(),
  http_auth: z.union([z.string().regex(/^[^:]+:.+$/), z.tuple([secret, secret])]).optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  compatibleWith: z.union([z.literal(8), z.literal(9)]).optional(),
}).strict();

/** The client options of {@link esKwargsSchema}. */
export type EsKwargs = z.infer<typeof esKwargsSchema>;

/** One ES address: a URL, or `host:port` as the original's Python client accepted (→ http). */
const host = z.string().min(1).transform((value, ctx) => {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const url = URL.parse(withScheme);
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
    ctx.addIssue({ code: "custom", message: `expected an http(s) URL, got "${value}"` });
    return z.NEVER;
  }
  return withScheme;
});

/** `ELASTICSEARCH_HOSTS`: a list of node URLs (a single string is accepted too). */
export const esHostsSchema = z.union([host.transform((h) => [h]), z.array(host).min(1)], {
  error: (issue) =>
    issue.input === undefined
      ? 'required: the list of Elasticsearch URLs, e.g. ["https://es.example.com:9200"]'
      : "expected a list of Elasticsearch URLs",
});

/** A required string key, with a message naming what it is for when missing. */
export function requiredKey(what: string): z.ZodString {
  return z.string({
    error: (issue) => issue.input === undefined ? `required: ${what}` : "expected a string",
  }).min(1);
}

/**
 * The keys every ES plugin shares, to spread into its `z.object({...}).strict()`.
 * `ELASTICSEARCH_DOCTYPE` is accepted for old configs and ignored (ES 7+ has no types).
 */
export const esBaseShape = {
  ELASTICSEARCH_HOSTS: esHostsSchema,
  ELASTICSEARCH_KWARGS: esKwargsSchema.optional(),
  ELASTICSEARCH_DOCTYPE: z.string().optional(),
  TIMEOUT: timeoutSeconds,
};

/** The connection part of an ES plugin's config. */
export interface EsConnection {
  ELASTICSEARCH_HOSTS: string[];
  ELASTICSEARCH_KWARGS?: EsKwargs | undefined;
}

/**
 * The index prefix of plugins that write monthly indices (es_logger, batch_es). The original read
 * `ELASTICSEARCH_INDEX_PREFIX` while its docs said `ELASTICSEARCH_INDEX`: both are accepted
 * (decision 5); when neither is set the error names both.
 *
 * @param config the parsed section
 * @returns the prefix, or an error message naming the missing key
 */
export function indexPrefixOf(
  config: {
    ELASTICSEARCH_INDEX_PREFIX?: string | undefined;
    ELASTICSEARCH_INDEX?: string | undefined;
  },
): string | null {
  return config.ELASTICSEARCH_INDEX_PREFIX ?? config.ELASTICSEARCH_INDEX ?? null;
}

/** The index-prefix keys of plugins that write monthly indices (es_logger, batch_es). */
export const esPrefixShape = {
  ELASTICSEARCH_INDEX_PREFIX: z.string().min(1).optional(),
  ELASTICSEARCH_INDEX: z.string().min(1).optional(),
};

/** Refinement for those plugins' schemas: one of the two prefix keys must be set. */
export function requirePrefix(
  config: {
    ELASTICSEARCH_INDEX_PREFIX?: string | undefined;
    ELASTICSEARCH_INDEX?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (indexPrefixOf(config) === null) {
    ctx.addIssue({ code: "custom", path: ["ELASTICSEARCH_INDEX_PREFIX"], message: MISSING_PREFIX });
  }
}

/** The message for a missing index prefix (used by the schemas' refinements). */
export const MISSING_PREFIX =
  "required: the index name prefix (ELASTICSEARCH_INDEX_PREFIX; ELASTICSEARCH_INDEX is accepted too)";

/**
 * The month's index: `prefix` + `YYYYMM` (UTC).
 *
 * @param prefix e.g. `stethoscope-access-`
 * @param date any instant in the month
 * @returns e.g. `stethoscope-access-202403`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(monthlyIndex("audit-", new Date("2024-03-31T12:00:00Z")), "audit-202403");
 * ```
 */
export function monthlyIndex(prefix: string, date: Date): string {
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  return `${prefix}${date.getUTCFullYear()}${month}`;
}

/** The client options for a config: hosts, auth, TLS; request timeout from the plugin's. */
export function clientOptions(config: EsConnection, timeoutMs: number | null): ClientOptions {
  const kw = config.ELASTICSEARCH_KWARGS ?? {};
  const options: ClientOptions = {
    nodes: config.ELASTICSEARCH_HOSTS,
    maxRetries: kw.maxRetries ?? 0,
    name: "stethoscope",
    // The client's own transport (undici) follows no redirect; the answer ceiling is ours.
    maxResponseSize: ANSWER_CEILINGS.store,
    maxCompressedResponseSize: ANSWER_CEILINGS.store,
  };
  if (timeoutMs !== null) options.requestTimeout = timeoutMs;
  if (kw.auth !== undefined) options.auth = kw.auth;
  else if (typeof kw.http_auth === "string") {
    const i = kw.http_auth.indexOf(":");
    options.auth = { username: kw.http_auth.slice(0, i), password: kw.http_auth.slice(i + 1) };
  } else if (kw.http_auth !== undefined) {
    options.auth = { username: kw.http_auth[0], password: kw.http_auth[1] };
  }
  const tls: NonNullable<ClientOptions["tls"]> = {};
  if (kw.verify_certs === false) tls.rejectUnauthorized = false;
  if (kw.tls?.rejectUnauthorized !== undefined) tls.rejectUnauthorized = kw.tls.rejectUnauthorized;
  if (kw.tls?.ca !== undefined) tls.ca = kw.tls.ca;
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}

/**
 * Creates an ES client, importing `@elastic/elasticsearch` on first use. Its transport checks that
 * the server is Elasticsearch (`x-elastic-product` header) on every answer and names what it is
 * otherwise ("the node at … is OpenSearch 2.13.0, not Elasticsearch"; `elasticsearch_product.ts`).
 *
 * @param config hosts and client options
 * @param options the plugin's deadline in ms (`null`: none)
 * @returns the client
 */
export async function createEsClient(
  config: EsConnection,
  options: { timeoutMs: number | null },
): Promise<Client> {
  try {
    const { Client, Transport } = await import("@elastic/elasticsearch");
    const pinned = config.ELASTICSEARCH_KWARGS?.compatibleWith;
    return new Client({
      ...clientOptions(config, options.timeoutMs),
      Transport: compatibleTransport(Transport, pinned, options.timeoutMs ?? undefined),
    });
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new Error(
        `the Elasticsearch client needs the "osRelease" system permission; run Deno with ` +
          `--allow-sys=osRelease (${error.message})`,
        { cause: error },
      );
    }
    throw error;
  }
}

// Elasticsearch 8 and later turn security on by default: a node without credentials answers 401.
const STATUS_HINT: Record<number, string> = {
  401: ": the node wants credentials it accepts; set ELASTICSEARCH_KWARGS.auth " +
    "(username and password, or apiKey)",
  403: ": the credentials lack a privilege this needs (reading or writing the index)",
};

/**
 * One line of plain words for a client error: the HTTP status and ES error type and reason when
 * ES answered, else the transport's message; a node that is not Elasticsearch is named ("the node
 * at http://127.0.0.1:9200 is OpenSearch 2.13.0, not Elasticsearch: …"). Never includes
 * credentials.
 */
export function describeEsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof NotElasticsearchError) return error.message;
  const meta = (error as { meta?: { statusCode?: number; body?: unknown } }).meta;
  const body = meta?.body as { error?: { type?: string; reason?: string } | string } | undefined;
  const detail = typeof body?.error === "string"
    ? body.error
    : [body?.error?.type, body?.error?.reason].filter(Boolean).join(": ");
  const status = meta?.statusCode;
  if (status !== undefined && status !== null) {
    return `Elasticsearch answered ${status}${detail ? ` (${detail})` : ""}${
      STATUS_HINT[status] ?? ""
    }`;
  }
  return `${error.name}: ${error.message}`.replace(/\/\/[^/@\s]+@/g, "//");
}

/**
 * The `checkConnectivity` of every Elasticsearch plugin (es_notifications, es_logger, batch_es):
 * the node answers `HEAD /` (the client's `ping`) within the caller's deadline.
 *
 * @param client the plugin's client (its version question, `elasticsearch_compat.ts`, comes first)
 * @param options the plugin's name, for the message, and the call's signal
 * @returns resolves when the node answered 2xx
 * @throws {UpstreamError} "`name`: Elasticsearch did not answer the ping" when it answered
 *   otherwise, or "`name`: " and {@link describeEsError}'s words when the request failed
 * @example A node that answers
 * ```ts
 * import assert from "node:assert/strict";
 * const client = { ping: () => Promise.resolve(true) };
 * assert.equal(
 *   await pingEs(client, { name: "es_logger", signal: new AbortController().signal }),
 *   undefined,
 * );
 * ```
 */
export async function pingEs(
  client: { ping(params: object, options: { signal: AbortSignal }): Promise<boolean> },
  options: { name: string; signal: AbortSignal },
): Promise<void> {
  let ok: boolean;
  try {
    ok = await client.ping({}, { signal: options.signal });
  } catch (error: unknown) {
    throw new UpstreamError(`${options.name}: ${describeEsError(error)}`);
  }
  if (!ok) throw new UpstreamError(`${options.name}: Elasticsearch did not answer the ping`);
}
