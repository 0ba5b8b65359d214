/**
 * The person read of the Elasticsearch store (issue 24): a page view's snapshot, status history,
 * dismissals, answers and exemptions in one `_msearch` request, each search its concern's own
 * (`es_snapshots.ts`, `es_statuses.ts`, `es_feedback.ts`, `es_security.ts`; a person with more
 * exemptions than that search holds costs a second request, for all of them). A concern a page
 * view comes to need adds one part here.
 *
 * @module
 */
import type { PersonRead, PersonReadStore } from "../../engine/core/store_ports.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { EsContext } from "./es_context.ts";
import { answersSearch, dismissalsSearch } from "./es_feedback.ts";
import { allExemptionsOf, exemptionsSearch } from "./es_security.ts";
import { snapshotSearch } from "./es_snapshots.ts";
import { personStatusesSearch } from "./es_statuses.ts";

/**
 * The person read of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `read(email, options)`: one `_msearch` (without the status search when `statuses` is
 *   false); a `StoreError` naming the search that failed
 */
export function esPersonReads(ctx: EsContext): PersonReadStore {
  return {
    read(email, options) {
      return ctx.run("read a person's page data", async (): Promise<PersonRead> => {
        const key = foldEmail(email);
        const id = await ctx.id(key);
        const parts = {
          snapshot: snapshotSearch(id, key),
          dismissed: dismissalsSearch(email),
          answers: answersSearch(email),
          exemptions: exemptionsSearch(key),
        };
        const read = options?.statuses === false
          ? { ...await ctx.msearch(parts), statuses: new Map() }
          : await ctx.msearch({ ...parts, statuses: personStatusesSearch(ctx, id) });
        // more exemptions than one search holds: all of them, in a second round trip
        return { ...read, exemptions: read.exemptions ?? await allExemptionsOf(ctx, key) };
      });
    },
  };
}
