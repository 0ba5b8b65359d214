/**
 * Over 300 lines: one fake node: the REST subset Stethoscope uses (documents, _mget, _bulk,
 * _search, _msearch, _count, _delete_by_query) over one in-memory index map, plus the version and
 * media-type checks.
 *
 * A loopback Elasticsearch: a real HTTP server on 127.0.0.1 speaking the subset of the REST API
 * Stethoscope uses — ping, index create/exists with mappings (`dynamic: strict` enforced at the top
 * level), documents by id (index, create, get, update with `if_seq_no`/`if_primary_term`), `_mget`,
 * `_bulk`, `_search` (term, terms — with a terms lookup `{index, id, path}` too —, range, match,
 * ids, exists, bool; sort, size, from, `seq_no_primary_term`, `search_after`, `_source: false`;
 * `from + size` at most 10,000 — `index.max_result_window` — and `hits.total` exact only up to
 * `track_total_hits`, 10,000 by default, as the "Paginate search results" reference documents),
 * points in time (`POST /{index}/_pit`, a search with `pit`, `DELETE /_pit`; the `_shard_doc`
 * tiebreaker is a document's place in its index; no snapshot is kept), `_msearch` (NDJSON header and body
 * lines; each search answered or its error answered in its place, as the multi search API
 * documents), `_count`, `_delete_by_query` — and the `x-elastic-product` header the official
 * client checks. Writes are visible at once (as if every write refreshed).
 *
 * It behaves like one Elasticsearch major (`major`, default 9): `GET /` reports a version of it, and
 * `Accept`/`Content-Type` media types with `compatible-with=N` are checked the way the node does
 * (N must be the major or the one before; both headers must agree): otherwise it answers 400
 * `media_type_header_exception`, as an 8.x node answers the 9.x client (Elasticsearch's REST API
 * compatibility docs; the answer rebuilt in the shared case RW-10).
 *
 * @module
 */

import { sleep } from "../../lib/abort.ts";

type Json = Record<string, unknown>;

/** A stored document. */
export interface FakeDoc {
  _id: string;
  _source: Json;
  _seq_no: number;
  _primary_term: number;
}

/** One request as received. */
export interface FakeRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Headers;
  body: string;
}

/** The running fake. */
export interface FakeElasticsearch {
  url: string;
  /** The Elasticsearch major it behaves like. */
  major: 8 | 9;
  /** Index name → mappings given at creation (or `{}` when auto-created). */
  indices: Map<string, { mappings: Json; docs: Map<string, FakeDoc> }>;
  requests: FakeRequest[];
  /** While set, every request answers this status (e.g. 503) with an ES error body. */
  failWith: number | null;
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /**
   * While set, asked for each `_bulk` index item (its `_id`): an item error such as
   * `{ status: 429, type: "es_rejected_execution_exception", reason }` makes the fake answer that
   * item so (HTTP 200, `errors: true`) without writing it, as a node whose write queue is full
   * does (elastic/logstash#1631); `null` writes it.
   */
  rejectBulkItem: ((id: string) => { status: number; type: string; reason: string } | null) | null;
  /**
   * Resolves once `count` requests have been answered in all (their writes done), so a test waits
   * for a background writer by counting, never by sleeping.
   */
  answered(count: number): Promise<void>;
  docs(index: string): FakeDoc[];
  /**
   * Indexes `source` as document `id` of `index` through the fake's own REST API
   * (`PUT /{index}/_doc/{id}`, plain JSON, which both majors accept), as an alerting pipeline
   * writing to the index would. The request is recorded in `requests` like any other.
   *
   * @throws {Error} naming the status when the fake refuses it (e.g. while `failWith` is set)
   */
  putDoc(index: string, id: string, source: Json): Promise<void>;
  close(): Promise<void>;
}

/** `index.max_result_window`'s default: `from + size` of one search may not exceed it. */
const MAX_RESULT_WINDOW = 10_000;

/**
 * `hits.total` as Elasticsearch counts it: exact up to `track_total_hits` (10,000 by default),
 * then that bound with `relation: "gte"`; absent when `track_total_hits` is `false`.
 */
function totalHits(
  count: number,
  track: unknown,
): { total?: { value: number; relation: "eq" | "gte" } } {
  if (track === false) return {};
  const bound = track === true ? Infinity : typeof track === "number" ? track : MAX_RESULT_WINDOW;
  return count > bound
    ? { total: { value: bound, relation: "gte" } }
    : { total: { value: count, relation: "eq" } };
}

const HEADERS = {
  "content-type": "application/json",
  "x-elastic-product": "Elasticsearch",
};

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: HEADERS });
}

function esError(status: number, type: string, reason: string): Response {
  return reply({ error: { type, reason, root_cause: [{ type, reason }] }, status }, status);
}

const VERSION_NUMBER = { 8: "8.19.7", 9: "9.2.1" } as const;

/** The 401 a secured node answers (shape: elastic/elasticsearch issue #85386), else `null`. */
function authProblem(given: string | null, wanted: string, url: URL): Response | null {
  if (given === wanted) return null;
  const type = "security_exception";
  const reason = given === null
    ? `missing authentication credentials for REST request [${url.pathname}]`
    : `unable to authenticate user for REST request [${url.pathname}]`;
  const header = { "WWW-Authenticate": ['Basic realm="security", charset="UTF-8"', "ApiKey"] };
  return new Response(
    JSON.stringify({
      error: { root_cause: [{ type, reason, header }], type, reason, header },
      status: 401,
    }),
    {
      status: 401,
      headers: { ...HEADERS, "www-authenticate": 'Basic realm="security", charset="UTF-8"' },
    },
  );
}
const COMPATIBLE_RE = /compatible-with\s*=\s*(\d+)/i;

/**
 * The 400 a node of `major` answers to versioned media types it cannot serve, else `null`.
 * Each of `Accept` and `Content-Type` may ask for `compatible-with=major` or `major - 1`; when
 * both carry a version they must agree.
 */
function mediaTypeProblem(headers: Headers, major: number): Response | null {
  const asked: [string, string, number][] = [];
  for (const name of ["Accept", "Content-Type"]) {
    const value = headers.get(name) ?? "";
    const m = COMPATIBLE_RE.exec(value);
    if (m) asked.push([name, value, Number(m[1])]);
  }
  const refuse = (cause: string) => {
    const reason = "Invalid media-type value on headers [Accept, Content-Type]";
    const type = "media_type_header_exception";
    return reply({
      error: {
        root_cause: [{ type, reason }],
        type,
        reason,
        caused_by: { type: "status_exception", reason: cause },
      },
      status: 400,
    }, 400);
  };
  for (const [name, value, v] of asked) {
    if (v !== major && v !== major - 1) {
      return refuse(
        `${name} version must be either version ${major} or ${major - 1}, but found ${v}. ` +
          `${name}=${value}`,
      );
    }
  }
  if (asked.length === 2 && asked[0]![2] !== asked[1]![2]) {
    return refuse(
      "A compatible version is required on both Content-Type and Accept headers if either one " +
        "has requested a compatible version and the compatible versions must match.",
    );
  }
  return null;
}

/** Reads a dotted path in a source document. */
function field(source: Json, path: string): unknown {
  let value: unknown = source;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Json)[part];
  }
  return value;
}

function comparable(v: unknown): number | string {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) return Date.parse(v);
  return String(v);
}

function values(source: Json, path: string): unknown[] {
  const v = field(source, path);
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function only(obj: unknown): [string, unknown] {
  const entries = Object.entries(obj as Json);
  if (entries.length !== 1) throw new TypeError(`expected one key in ${JSON.stringify(obj)}`);
  return entries[0]!;
}

function tokens(v: unknown): string[] {
  return String(v).toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).filter(Boolean);
}

/** Whether a document matches a query clause. Unknown clauses throw (→ 400). */
function matches(doc: FakeDoc, query: Json | undefined): boolean {
  if (query === undefined) return true;
  const [kind, spec] = only(query);
  const s = doc._source;
  switch (kind) {
    case "match_all":
      return true;
    case "ids":
      return (spec as { values: string[] }).values.includes(doc._id);
    case "term": {
      const [f, v] = only(spec);
      const want = v !== null && typeof v === "object" ? (v as Json).value : v;
      return values(s, f).some((x) => x === want);
    }
    case "terms": {
      const [f, list] = only(spec);
      return values(s, f).some((x) => (list as unknown[]).includes(x));
    }
    case "match": {
      const [f, v] = only(spec);
      const want = tokens(v !== null && typeof v === "object" ? (v as Json).query : v);
      return values(s, f).some((x) => tokens(x).some((t) => want.includes(t)));
    }
    case "exists":
      return values(s, (spec as { field: string }).field).length > 0;
    case "range": {
      const [f, bounds] = only(spec);
      const b = bounds as Record<string, unknown>;
      return values(s, f).some((raw) => {
        const x = comparable(raw);
        return (b.gte === undefined || x >= comparable(b.gte)) &&
          (b.gt === undefined || x > comparable(b.gt)) &&
          (b.lte === undefined || x <= comparable(b.lte)) &&
          (b.lt === undefined || x < comparable(b.lt));
      });
    }
    case "bool": {
      const b = spec as Record<string, Json | Json[] | undefined>;
      const list = (k: string) => b[k] === undefined ? [] : ([] as Json[]).concat(b[k]!);
      const should = list("should");
      return list("must").every((q) => matches(doc, q)) &&
        list("filter").every((q) => matches(doc, q)) &&
        !list("must_not").some((q) => matches(doc, q)) &&
        (should.length === 0 || should.some((q) => matches(doc, q)));
    }
    default:
      throw new TypeError(`the fake does not support the "${kind}" query`);
  }
}

/** One sort key of a request: a field (or `_shard_doc`, the point in time's tiebreaker). */
type SortKey = { f: string; desc: boolean };

function sortKeys(sort: unknown): SortKey[] {
  return (sort === undefined ? [] : ([] as unknown[]).concat(sort)).map((k) => {
    if (typeof k === "string") return { f: k, desc: false };
    const [f, o] = only(k);
    const order = typeof o === "string" ? o : (o as Json).order;
    return { f, desc: order === "desc" };
  });
}

/** Compares two documents' sort values key by key; a missing value sorts last. */
function compareTuples(keys: SortKey[], x: unknown[], y: unknown[]): number {
  for (const [i, { desc }] of keys.entries()) {
    const a = x[i];
    const b = y[i];
    if (a === b) continue;
    if (a === undefined || a === null) return 1;
    if (b === undefined || b === null) return -1;
    const c = comparable(a) < comparable(b) ? -1 : 1;
    return desc ? -c : c;
  }
  return 0;
}

/**
 * Documents in the order of `sort`, each with its sort values (the `sort` array a hit carries).
 * `_shard_doc` is the document's place in its index (the fake's one shard), as the point-in-time
 * tiebreaker Elasticsearch adds.
 */
function sortDocs(docs: FakeDoc[], sort: unknown): { d: FakeDoc; sort: unknown[] }[] {
  const keys = sortKeys(sort);
  const place = new Map(docs.map((d, i) => [d, i]));
  const rows = docs.map((d) => ({
    d,
    sort: keys.map(({ f }) => f === "_shard_doc" ? place.get(d) : values(d._source, f)[0]),
  }));
  return rows.sort((a, b) => compareTuples(keys, a.sort, b.sort));
}

/**
 * Starts the fake on 127.0.0.1, port 0.
 *
 * @returns the running fake; `close()` it at the end of the test
 */
export function startFakeElasticsearch(
  options: {
    major?: 8 | 9;
    /** Security on (the default since 8.0): only this `Authorization` value is let in. */
    authorization?: string;
  } = {},
): FakeElasticsearch {
  const major = options.major ?? 9;
  const indices: FakeElasticsearch["indices"] = new Map();
  let seq = 0;
  /** Open points in time: id → the index expression they were opened on. */
  const pits = new Map<string, string>();
  let pitSeq = 0;

  function resolve(expr: string): { name: string; docs: Map<string, FakeDoc> }[] {
    const out = [];
    for (const part of expr.split(",")) {
      const re = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
      for (const [name, index] of indices) if (re.test(name)) out.push({ name, docs: index.docs });
    }
    return out;
  }

  function ensure(name: string) {
    let index = indices.get(name);
    if (index === undefined) {
      index = { mappings: {}, docs: new Map() };
      indices.set(name, index);
    }
    return index;
  }

  /** Index/create/update one document; returns the bulk-style item result. */
  function write(
    op: "index" | "create" | "update",
    name: string,
    id: string | undefined,
    body: Json,
    params: URLSearchParams | Json,
  ): { status: number; result?: Json; error?: Json } {
    const get = (k: string) =>
      params instanceof URLSearchParams ? params.get(k) ?? undefined : params[k] as string;
    const index = ensure(name);
    const docId = id ?? crypto.randomUUID();
    const existing = index.docs.get(docId);
    const ifSeq = get("if_seq_no");
    const conflict = (reason: string) => ({
      status: 409,
      error: { type: "version_conflict_engine_exception", reason: `[${docId}]: ${reason}` },
    });
    if (ifSeq !== undefined && (existing === undefined || existing._seq_no !== Number(ifSeq))) {
      return conflict("version conflict, required seqNo [" + ifSeq + "]");
    }
    if ((op === "create" || get("op_type") === "create") && existing !== undefined) {
      return conflict("version conflict, document already exists");
    }
    let source = body;
    if (op === "update") {
      if (existing === undefined && body.doc_as_upsert !== true) {
        return { status: 404, error: { type: "document_missing_exception", reason: docId } };
      }
      source = { ...existing?._source, ...(body.doc as Json) };
    }
    const props = (index.mappings.properties ?? {}) as Json;
    if (index.mappings.dynamic === "strict") {
      const unknown = Object.keys(source).find((k) => !(k in props));
      if (unknown !== undefined) {
        return {
          status: 400,
          error: { type: "strict_dynamic_mapping_exception", reason: `field [${unknown}]` },
        };
      }
    }
    const doc = { _id: docId, _source: structuredClone(source), _seq_no: ++seq, _primary_term: 1 };
    index.docs.set(docId, doc);
    const status = existing === undefined ? 201 : 200;
    return {
      status,
      result: {
        _index: name,
        _id: docId,
        _seq_no: doc._seq_no,
        _primary_term: 1,
        result: existing === undefined ? "created" : "updated",
        _version: doc._seq_no,
      },
    };
  }

  /**
   * The query with every terms lookup (`{ terms: { f: { index, id, path } } }`) replaced by the
   * values at `path` of that document, none when it does not exist (the terms query docs).
   */
  function lookups(query: unknown): unknown {
    if (Array.isArray(query)) return query.map(lookups);
    if (query === null || typeof query !== "object") return query;
    const out: Json = {};
    for (const [k, v] of Object.entries(query as Json)) {
      if (k === "terms" && v !== null && typeof v === "object" && !Array.isArray(v)) {
        const [f, spec] = only(v);
        if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
          const { index, id, path } = spec as { index: string; id: string; path: string };
          const doc = indices.get(index)?.docs.get(id);
          out[k] = { [f]: doc === undefined ? [] : values(doc._source, path) };
          continue;
        }
      }
      out[k] = lookups(v);
    }
    return out;
  }

  function search(names: string, body: Json) {
    body = lookups(body) as Json;
    const all = resolve(names).flatMap((i) =>
      [...i.docs.values()].map((d) => ({ index: i.name, d }))
    );
    const hits = all.filter(({ d }) => matches(d, body.query as Json | undefined));
    let sorted = sortDocs(hits.map((h) => h.d), body.sort);
    if (Array.isArray(body.search_after)) {
      const keys = sortKeys(body.sort);
      const after = body.search_after as unknown[];
      sorted = sorted.filter((r) => compareTuples(keys, r.sort, after) > 0);
    }
    const byDoc = new Map(hits.map((h) => [h.d, h.index]));
    const from = Number(body.from ?? 0);
    const page = sorted.slice(from, from + Number(body.size ?? 10));
    return {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        ...totalHits(hits.length, body.track_total_hits),
        max_score: null,
        hits: page.map(({ d, sort }) => ({
          _index: byDoc.get(d),
          _id: d._id,
          _score: null,
          ...(body._source === false ? {} : { _source: structuredClone(d._source) }),
          ...(body.seq_no_primary_term === true
            ? { _seq_no: d._seq_no, _primary_term: d._primary_term }
            : {}),
          ...(body.sort === undefined ? {} : { sort }),
        })),
      },
    };
  }

  /** A search over HTTP: the result window checked, a point in time's index resolved. */
  function httpSearch(index: string | undefined, body: Json): Response {
    const window = Number(body.from ?? 0) + Number(body.size ?? 10);
    if (window > MAX_RESULT_WINDOW) {
      return esError(
        400,
        "illegal_argument_exception",
        `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${window}].`,
      );
    }
    const pit = body.pit as { id?: string } | undefined;
    if (pit === undefined) return reply(search(index ?? "*", body));
    const names = pits.get(String(pit.id));
    if (index !== undefined || names === undefined) {
      return esError(404, "search_context_missing_exception", `No search context found`);
    }
    return reply({ ...search(names, body), pit_id: pit.id });
  }

  function msearch(defaultIndex: string | undefined, text: string): Response {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const responses: Json[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const header = JSON.parse(lines[i]!) as Json;
      try {
        const index = (header.index as string | undefined) ?? defaultIndex ?? "*";
        responses.push({ ...search(index, JSON.parse(lines[i + 1]!) as Json), status: 200 });
      } catch (error: unknown) {
        const reason = error instanceof Error ? error.message : "bad";
        responses.push({
          error: {
            root_cause: [{ type: "parsing_exception", reason }],
            type: "parsing_exception",
            reason,
          },
          status: 400,
        });
      }
    }
    return reply({ took: 1, responses });
  }

  function bulk(defaultIndex: string | undefined, text: string): Response {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const items: Json[] = [];
    for (let i = 0; i < lines.length; i++) {
      const [op, meta] = only(JSON.parse(lines[i]!)) as [string, Json];
      const name = (meta._index as string | undefined) ?? defaultIndex ?? "";
      const id = meta._id as string | undefined;
      if (op === "delete") {
        const found = indices.get(name)?.docs.delete(id ?? "") ?? false;
        items.push({ delete: { _index: name, _id: id, status: found ? 200 : 404 } });
        continue;
      }
      const body = JSON.parse(lines[++i] ?? "{}") as Json;
      const rejected = fake.rejectBulkItem?.(id ?? "") ?? null;
      if (rejected !== null) {
        const { status, ...error } = rejected;
        items.push({ [op]: { _index: name, _id: id, status, error } });
        continue;
      }
      const r = write(op as "index" | "create" | "update", name, id, body, meta);
      items.push({
        [op]: { _index: name, _id: id, status: r.status, ...r.result, error: r.error },
      });
    }
    return reply({
      took: 1,
      errors: items.some((it) => (only(it)[1] as Json).error !== undefined),
      items,
    });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const body = await req.text();
    fake.requests.push({
      method: req.method,
      path: url.pathname,
      search: url.searchParams,
      headers: req.headers,
      body,
    });
    if (fake.delayMs > 0) await sleep(fake.delayMs);
    if (fake.failWith !== null) return esError(fake.failWith, "unavailable", "fake is down");
    const refused = mediaTypeProblem(req.headers, major);
    if (refused !== null) return refused;
    if (options.authorization !== undefined) {
      const denied = authProblem(req.headers.get("authorization"), options.authorization, url);
      if (denied !== null) return denied;
    }
    const json = (): Json => (body.trim() === "" ? {} : JSON.parse(body));
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const [a, b, c] = parts;
    const m = req.method;
    if (parts.length === 0) {
      return m === "HEAD" ? reply({}) : reply({
        name: "es-node-1",
        cluster_name: "stethoscope-test",
        version: { number: VERSION_NUMBER[major], build_flavor: "default" },
        tagline: "You Know, for Search",
      });
    }
    if (a === "_bulk" || b === "_bulk") return bulk(b === "_bulk" ? a : undefined, body);
    if (a === "_msearch" || b === "_msearch") {
      return msearch(b === "_msearch" ? a : undefined, body);
    }
    if (b === undefined) {
      if (m === "HEAD") return reply({}, indices.has(a!) ? 200 : 404);
      if (m === "PUT") {
        if (indices.has(a!)) {
          return esError(400, "resource_already_exists_exception", `index [${a}] already exists`);
        }
        indices.set(a!, { mappings: (json().mappings ?? {}) as Json, docs: new Map() });
        return reply({ acknowledged: true, shards_acknowledged: true, index: a });
      }
    }
    if (b === "_search") return httpSearch(a!, json());
    if (a === "_search" && b === undefined) return httpSearch(undefined, json());
    if (b === "_pit" && m === "POST") {
      const id = `pit-${++pitSeq}`;
      pits.set(id, a!);
      return reply({ id, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    }
    if (a === "_pit" && b === undefined && m === "DELETE") {
      const freed = pits.delete(String(json().id));
      return reply({ succeeded: true, num_freed: freed ? 1 : 0 });
    }
    if (b === "_count") {
      const all = search(a!, { ...json(), size: 1e9, track_total_hits: true });
      return reply({ count: all.hits.total!.value });
    }
    if (b === "_refresh") return reply({ _shards: { total: 1, successful: 1, failed: 0 } });
    if (b === "_delete_by_query") {
      const hits = search(a!, { ...json(), size: 1e9, track_total_hits: true }).hits.hits;
      for (const h of hits) indices.get(h._index!)?.docs.delete(h._id);
      return reply({ deleted: hits.length, failures: [] });
    }
    if (b === "_mget") {
      const docs = (json().ids as string[]).map((id) => {
        const d = indices.get(a!)?.docs.get(id);
        return d === undefined
          ? { _index: a, _id: id, found: false }
          : { _index: a, ...structuredClone(d), found: true };
      });
      return reply({ docs });
    }
    if ((b === "_doc" || b === "_create" || b === "_update") && (m === "PUT" || m === "POST")) {
      const op = b === "_doc" ? "index" : b === "_create" ? "create" : "update";
      const r = write(op, a!, c, json(), url.searchParams);
      return r.error ? esError(r.status, r.error.type as string, r.error.reason as string) : reply(
        r.result,
        r.status,
      );
    }
    if (b === "_doc" && c !== undefined && m === "GET") {
      const d = indices.get(a!)?.docs.get(c);
      return d === undefined
        ? reply({ _index: a, _id: c, found: false }, 404)
        : reply({ _index: a, ...structuredClone(d), found: true });
    }
    return esError(400, "fake_unsupported", `${m} ${url.pathname} is not in the fake`);
  }

  let answered = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    try {
      return await handle(req);
    } catch (error: unknown) {
      return esError(400, "parsing_exception", error instanceof Error ? error.message : "bad");
    } finally {
      answered++;
      for (const w of waiting.filter((w) => answered >= w.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const fake: FakeElasticsearch = {
    url: `http://127.0.0.1:${server.addr.port}`,
    major,
    indices,
    requests: [],
    failWith: null,
    delayMs: 0,
    rejectBulkItem: null,
    answered: (count) =>
      answered >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    docs: (index) => [...(indices.get(index)?.docs.values() ?? [])],
    putDoc: async (index, id, source) => {
      const res = await fetch(`${fake.url}/${index}/_doc/${id}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(source),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the fake refused document ${index}/${id}: ${res.status}`);
    },
    close: () => server.shutdown(),
  };
  return fake;
}
