/**
 * Status history in the Elasticsearch store (`<prefix>statuses`): per device and practice (id =
 * SHA-256 of both), the status last seen, since when it has held, and when it was last seen.
 *
 * @module
 */
import type { StatusObservation, StatusStore } from "../../engine/core/store_ports.ts";
import { StoreError } from "./codec.ts";
import { observationKey } from "../../engine/view/since.ts";
import type { EsContext } from "./es_context.ts";

/**
 * The status-history method of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `observe`: one `_mget` and one `_bulk` per call; per `device\u0000practice`, when the
 *   observed status began (kept while the status holds, reset to the observation's `since` when
 *   it changes); throws a `StoreError` when Elasticsearch refuses any write
 */
export function esStatuses(ctx: EsContext): StatusStore {
  const { client, run } = ctx;
  return {
    observe(observations: StatusObservation[]): Promise<Map<string, Date>> {
      return run("record practice statuses", async () => {
        const out = new Map<string, Date>();
        if (observations.length === 0) return out;
        const ids = await Promise.all(observations.map((o) => ctx.id(o.device, o.practice)));
        const got = await client.mget({ index: ctx.index("statuses"), ids });
        const operations: unknown[] = [];
        observations.forEach((o, i) => {
          const prev = got.docs[i] as { found?: boolean; _source?: Record<string, unknown> };
          const seen = o.since.getTime();
          const keep = prev.found === true && prev._source?.status === o.status;
          const since = keep ? Number(prev._source?.since) : seen;
          out.set(observationKey(o.device, o.practice), new Date(since));
          operations.push({ index: { _index: ctx.index("statuses"), _id: ids[i] } }, {
            device: o.device,
            practice: o.practice,
            status: o.status,
            since,
            seen_at: seen,
          });
        });
        const r = await client.bulk({ refresh: "wait_for", operations });
        if (r.errors) throw new StoreError("Cannot record practice statuses: some were refused");
        return out;
      });
    },
  };
}
