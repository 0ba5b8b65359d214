/**
 * Status history in the Elasticsearch store (`<prefix>statuses`): per device and practice (id =
 * SHA-256 of both), the status last seen, since when it has held, and when it was last seen; and
 * per person (`<prefix>person_devices`, id = SHA-256 of the folded email) the devices their last
 * recorded page view observed, which the person read's terms lookup follows.
 *
 * @module
 */
import type { StatusObservation, StatusRow, StatusStore } from "../../engine/core/store_ports.ts";
import type { Status } from "../../engine/core/types.ts";
import { StoreError } from "./codec.ts";
import { observationKey } from "../../engine/view/since.ts";
import type { EsContext, SearchPart } from "./es_context.ts";

/**
 * The search of a person's device history (the person read): the statuses of the devices listed
 * in their `person_devices` document, through a terms lookup (Elasticsearch's terms query with
 * `index`/`id`/`path`), so the list and the history come in one search. No document: no rows.
 *
 * @param ctx the store's context (index names)
 * @param personId the person's `person_devices` id (`ctx.id(folded email)`)
 */
export function personStatusesSearch(
  ctx: Pick<EsContext, "index">,
  personId: string,
): SearchPart<Map<string, StatusRow>> {
  return {
    index: "statuses",
    body: {
      query: {
        terms: { device: { index: ctx.index("person_devices"), id: personId, path: "devices" } },
      },
      size: 10_000,
    },
    decode(hits) {
      const out = new Map<string, StatusRow>();
      for (const h of hits) {
        const s = h._source ?? {};
        out.set(observationKey(String(s.device), String(s.practice)), {
          status: s.status as Status,
          since: new Date(Number(s.since)),
          seenAt: new Date(Number(s.seen_at)),
        });
      }
      return out;
    },
  };
}

/**
 * The status-history method of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `observe`: one `_mget` and one `_bulk` per call; per `device\u0000practice`, when the
 *   observed status began (kept while the status holds, reset to the observation's `since` when
 *   it changes); with `person`, the same `_bulk` writes the person's device list; throws a
 *   `StoreError` when Elasticsearch refuses any write; `began`: the same answer from one `_mget`,
 *   nothing written; and `prunePersonDevices`: one
 *   `_delete_by_query` of the `person_devices` documents not written since `before`
 */
export function esStatuses(ctx: EsContext): StatusStore {
  const { client, run } = ctx;
  /** The observations' ids and, per observation, when its status began as the history holds it. */
  async function recorded(observations: StatusObservation[]) {
    const ids = await Promise.all(observations.map((o) => ctx.id(o.device, o.practice)));
    const got = await client.mget({ index: ctx.index("statuses"), ids });
    const since = observations.map((o, i) => {
      const prev = got.docs[i] as { found?: boolean; _source?: Record<string, unknown> };
      const keep = prev.found === true && prev._source?.status === o.status;
      return keep ? Number(prev._source?.since) : o.since.getTime();
    });
    return { ids, since };
  }
  return {
    observe(observations: StatusObservation[], options = {}): Promise<Map<string, Date>> {
      return run("record practice statuses", async () => {
        const out = new Map<string, Date>();
        if (observations.length === 0) return out;
        const { ids, since } = await recorded(observations);
        const operations: unknown[] = [];
        let latest = 0;
        observations.forEach((o, i) => {
          const seen = o.since.getTime();
          latest = Math.max(latest, seen);
          out.set(observationKey(o.device, o.practice), new Date(since[i]!));
          operations.push({ index: { _index: ctx.index("statuses"), _id: ids[i] } }, {
            device: o.device,
            practice: o.practice,
            status: o.status,
            since: since[i],
            seen_at: seen,
          });
        });
        if (options.person !== undefined) {
          operations.push(
            { index: { _index: ctx.index("person_devices"), _id: await ctx.id(options.person) } },
            {
              email: options.person,
              devices: [...new Set(observations.map((o) => o.device))],
              updated_at: latest,
            },
          );
        }
        const r = await client.bulk({ refresh: "wait_for", operations });
        if (r.errors) throw new StoreError("Cannot record practice statuses: some were refused");
        return out;
      });
    },
    began(observations: StatusObservation[]): Promise<Map<string, Date>> {
      return run("read practice statuses", async () => {
        const out = new Map<string, Date>();
        if (observations.length === 0) return out;
        const { since } = await recorded(observations);
        observations.forEach((o, i) =>
          out.set(observationKey(o.device, o.practice), new Date(since[i]!))
        );
        return out;
      });
    },
    prunePersonDevices(before: Date): Promise<number> {
      return run(
        "delete old device lists",
        () => ctx.deleteRange("person_devices", { updated_at: { lt: before.getTime() } }),
      );
    },
  };
}
