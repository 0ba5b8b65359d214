/**
 * The security team's records in the Elasticsearch store: exemptions (`<prefix>exemptions`) and
 * "this wasn't me" reports (`<prefix>signin_reports`). Each document keeps the record as JSON text
 * (`body`) beside the fields searched on. Nothing is deleted: a revocation or a handling is added
 * to the document with `if_seq_no`/`if_primary_term`, so of two processes ending the same record
 * one wins and the other is told it was done already. Writes wait for a refresh, so the lists
 * show them at once.
 *
 * @module
 */
import type { SigninReport, SigninReportStore } from "../../engine/core/signin_reports.ts";
import type { Exemption, ExemptionStore } from "../../engine/view/exemptions.ts";
import { StoreError } from "./codec.ts";
import type { EsContext, SearchPart } from "./es_context.ts";
import type { IndexName } from "./es_indices.ts";
import { searchPage } from "./es_paging.ts";
import { decodeExemption, decodeReport, encodeExemption, encodeReport } from "./security_codec.ts";

/** How many of a person's exemptions the person read's one search holds. */
const PER_PERSON = 1000;

/**
 * The search of a person's exemptions (folded email), oldest first, inside the person read: its
 * answer is `null` when the person has more than {@link PER_PERSON} — the read then asks
 * {@link allExemptionsOf}, so none is left out.
 */
export function exemptionsSearch(email: string): SearchPart<Exemption[] | null> {
  return {
    index: "exemptions",
    body: { query: { term: { email } }, sort: [{ granted_at: "asc" }], size: PER_PERSON },
    decode: (hits, total) =>
      total > hits.length ? null : oldestFirst(bodies(hits).map(decodeExemption)),
  };
}

/**
 * Exemptions oldest grant first, then by id: the SQLite store's order (`ORDER BY granted_at, id`).
 * Elasticsearch sorts on `granted_at` alone (the id is the document's `_id`, which Elasticsearch 8
 * does not sort on), and answers ties — exemptions granted in the same millisecond, say by two
 * processes at once — in no set order.
 *
 * @param list decoded exemptions, sorted in place
 * @returns `list`
 */
function oldestFirst(list: Exemption[]): Exemption[] {
  return list.sort((a, b) =>
    a.grantedAt.getTime() - b.grantedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Every exemption granted for a person (folded email), oldest first (then by id), a page of
 * {@link PER_PERSON} at a time however many there are.
 *
 * @throws {StoreError} when a page comes back shorter than the total says (`searchPage()`)
 */
export async function allExemptionsOf(ctx: EsContext, email: string): Promise<Exemption[]> {
  const out: Exemption[] = [];
  for (let total = Infinity; out.length < total;) {
    const page = await searchPage(
      ctx,
      "exemptions",
      {
        query: { term: { email } },
        sort: [{ granted_at: "asc" }],
      },
      out.length,
      PER_PERSON,
    );
    total = page.total;
    if (page.hits.length === 0) break;
    out.push(...bodies(page.hits).map(decodeExemption));
  }
  return oldestFirst(out);
}

/** Conflicts a revocation or handling re-reads after before it gives up (each re-read decides again). */
const ATTEMPTS = 5;

/**
 * Adds an ending to one record once: `end` gets the record's body and answers the record as
 * ended, or `null` when it had ended already; `null` too when there is no such record. Another
 * process ending it meanwhile is a conflict, after which the record is read and judged again.
 */
function endOnce<T>(
  ctx: EsContext,
  name: IndexName,
  id: string,
  end: (body: string) => { doc: Record<string, unknown>; value: T } | null,
): Promise<T | null> {
  return ctx.compareAndSet<T | null>(
    name,
    id,
    { label: `${name} ${id}`, attempts: ATTEMPTS, refresh: "wait_for" },
    (source) => {
      const next = source === null ? null : end(String(source.body));
      return next === null ? { result: null } : { result: next.value, write: next.doc };
    },
  );
}

function exemptionDoc(e: Exemption): Record<string, unknown> {
  return {
    email: e.email,
    granted_at: e.grantedAt.getTime(),
    ends_at: (e.revoked && e.revoked.at < e.expiresAt ? e.revoked.at : e.expiresAt).getTime(),
    revoked: e.revoked !== undefined,
    body: encodeExemption(e),
  };
}

function reportDoc(r: SigninReport): Record<string, unknown> {
  return {
    email: r.email,
    reported_at: r.reportedAt.getTime(),
    ...(r.handled ? { handled_at: r.handled.at.getTime() } : {}),
    handled: r.handled !== undefined,
    body: encodeReport(r),
  };
}

const bodies = (hits: { _source?: Record<string, unknown> }[]) =>
  hits.map((h) => String(h._source?.body));

/**
 * The exemption methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns the {@link ExemptionStore} methods
 */
export function esExemptions(ctx: EsContext): ExemptionStore {
  const { client, run } = ctx;
  const index = ctx.index("exemptions");
  return {
    grantExemption(e) {
      return run("grant an exemption", async () => {
        const created = await ctx.writeIfUnchanged("exemptions", e.id, exemptionDoc(e), {
          version: null,
          refresh: "wait_for",
        });
        if (!created) throw new StoreError(`An exemption with the id ${e.id} exists already`);
      });
    },

    revokeExemption(id, revocation) {
      return run("revoke an exemption", () =>
        endOnce(ctx, "exemptions", id, (body) => {
          const found = decodeExemption(body);
          if (found.revoked) return null;
          const value: Exemption = { ...found, revoked: revocation };
          return { doc: exemptionDoc(value), value };
        }));
    },

    exemption(id) {
      return run("read an exemption", async () => {
        const got = await client.get({ index, id }, { ignore: [404] });
        return got.found ? decodeExemption(String((got._source as { body: unknown }).body)) : null;
      });
    },

    exemptionsFor(email) {
      return run("read exemptions", () => allExemptionsOf(ctx, email));
    },

    activeExemptions(options) {
      return run("read exemptions", async () => {
        const filter: Record<string, unknown>[] = [
          { term: { revoked: false } },
          { range: { ends_at: { gt: options.at.getTime() } } },
        ];
        if (options.grantedFrom) {
          filter.push({ range: { granted_at: { gte: options.grantedFrom.getTime() } } });
        }
        const { hits, total } = await searchPage(
          ctx,
          "exemptions",
          {
            query: { bool: { filter } },
            sort: options.order === "granted"
              ? [{ granted_at: "asc" }, { ends_at: "asc" }]
              : [{ ends_at: "asc" }, { granted_at: "asc" }],
          },
          options.offset,
          options.limit,
        );
        return { exemptions: bodies(hits).map(decodeExemption), total };
      });
    },
  };
}

/**
 * The report methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns the {@link SigninReportStore} methods
 */
export function esSigninReports(ctx: EsContext): SigninReportStore {
  const { run } = ctx;
  return {
    reportSignIn(r) {
      // reported already (a 409): the first report stays
      return run(
        "save a sign-in report",
        () =>
          ctx.writeIfUnchanged("signin_reports", r.id, reportDoc(r), {
            version: null,
            refresh: "wait_for",
          }),
      );
    },

    handleSignInReport(id, handling) {
      return run("handle a sign-in report", () =>
        endOnce(ctx, "signin_reports", id, (body) => {
          const found = decodeReport(body);
          if (found.handled) return null;
          const value: SigninReport = { ...found, handled: handling };
          return { doc: reportDoc(value), value };
        }));
    },

    signInReports(options) {
      return run("read sign-in reports", async () => {
        const open = options.state === "open";
        const { hits, total } = await searchPage(
          ctx,
          "signin_reports",
          {
            query: { term: { handled: !open } },
            sort: [open ? { reported_at: "desc" } : { handled_at: "desc" }],
          },
          options.offset,
          options.limit,
        );
        return { reports: bodies(hits).map(decodeReport), total };
      });
    },
  };
}
