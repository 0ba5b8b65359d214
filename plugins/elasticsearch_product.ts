/**
 * Which product answered where Elasticsearch was expected. Changes when another look-alike is
 * named (or supported).
 *
 * Elasticsearch 7.14 and later send `x-elastic-product: Elasticsearch` on every answer; the
 * Elastic clients refuse any server without it, but throw before reading the answer, so the
 * operator only learns "not Elasticsearch" (or, worded by status, "answered 200"). An OpenSearch
 * cluster (e.g. AWS OpenSearch Service 2.x) sends no such header and says what it is in its root
 * document: `version.distribution: "opensearch"` beside `version.number` (deric/es-dedupe#12,
 * domainaware/parsedmarc#296 are consumers that met exactly this). So Stethoscope does the check
 * itself and names the product from `GET /`: "the node at https://search.example.com is
 * OpenSearch 2.13.0, not Elasticsearch".
 *
 * @module
 */

/** The header Elasticsearch 7.14+ sends on every answer, and its value. */
const PRODUCT_HEADER = "x-elastic-product";

/** Names of distributions by their `version.distribution` (the root document's spelling). */
const DISTRIBUTIONS: Readonly<Record<string, string>> = { opensearch: "OpenSearch" };

/** A node that is not Elasticsearch (OpenSearch, a proxy's own page, ...). */
export class NotElasticsearchError extends Error {
  override name = "NotElasticsearchError";
}

/**
 * Whether an answer's headers say it came from Elasticsearch (`x-elastic-product:
 * Elasticsearch`, sent by 7.14 and later on every answer).
 *
 * @param headers the answer's headers as the client gives them (lower-case names)
 */
export function fromElasticsearch(headers: Record<string, unknown> | undefined): boolean {
  return headers?.[PRODUCT_HEADER] === "Elasticsearch";
}

/**
 * The product a root document (`GET /`) names when it is not Elasticsearch: its
 * `version.distribution` (`"opensearch"` → "OpenSearch") and `version.number`.
 *
 * @param root the parsed answer to `GET /`
 * @returns e.g. `"OpenSearch 2.13.0"`, or `null` when it names no other distribution
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   productOf({ version: { distribution: "opensearch", number: "2.13.0" } }),
 *   "OpenSearch 2.13.0",
 * );
 * assert.equal(productOf({ version: { number: "8.15.3", build_flavor: "default" } }), null);
 * ```
 */
export function productOf(root: unknown): string | null {
  const version = (root as { version?: { distribution?: unknown; number?: unknown } } | null)
    ?.version;
  const distribution = version?.distribution;
  if (typeof distribution !== "string" || distribution.toLowerCase() === "elasticsearch") {
    return null;
  }
  const name = DISTRIBUTIONS[distribution.toLowerCase()] ?? distribution;
  return typeof version?.number === "string" ? `${name} ${version.number}` : name;
}

/**
 * The error for a node that is not Elasticsearch, naming it when its root document did.
 *
 * @param where the node's origin (no credentials), e.g. `https://search.example.com:443`
 * @param product what {@link productOf} found, or `null`
 * @returns the error to throw
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   notElasticsearch("http://127.0.0.1:9200", "OpenSearch 2.13.0").message,
 *   "the node at http://127.0.0.1:9200 is OpenSearch 2.13.0, not Elasticsearch: " +
 *     "Stethoscope works with Elasticsearch 8.x and 9.x",
 * );
 * ```
 */
export function notElasticsearch(where: string, product: string | null): NotElasticsearchError {
  const what = product === null
    ? `did not say it is Elasticsearch (its answer has no "${PRODUCT_HEADER}: Elasticsearch" ` +
      "header, which Elasticsearch sends since 7.14)"
    : `is ${product}, not Elasticsearch`;
  return new NotElasticsearchError(
    `the node at ${where} ${what}: Stethoscope works with Elasticsearch 8.x and 9.x`,
  );
}
