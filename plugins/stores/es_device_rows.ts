/**
 * The devices of each batch run in the Elasticsearch store (`<prefix>device_rows`, issue 26): one
 * document per device (id = run and place), its filter fields as keywords beside the whole row in
 * a non-indexed field, queried by the Dashboard's lists with the filters of
 * `engine/batch/device_rows.ts` (`rowMatches`).
 *
 * @module
 */
import type { DeviceRow, DeviceRowQuery, DeviceRowStore } from "../../engine/core/store_ports.ts";
import { searchKeys } from "../../engine/batch/device_rows.ts";
import { decodeDeviceRow, encodeDeviceRow } from "./device_row_codec.ts";
import type { EsContext } from "./es_context.ts";

/** The bool filters of a query (`rowMatches` in Query DSL). */
function filters(q: Omit<DeviceRowQuery, "offset" | "limit">): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ term: { run: q.run } }];
  if (q.rating !== undefined) out.push({ term: { rating: q.rating } });
  if (q.platform !== undefined) out.push({ term: { platform: q.platform } });
  if (q.source !== undefined) out.push({ term: { sources: q.source } });
  if (q.practice !== undefined) {
    const k = q.practice;
    if (q.status === undefined) out.push({ term: { applies: k } });
    else if (q.status === "failing") {
      out.push({ terms: { states: [`${k}:critical`, `${k}:suggested`] } });
    } else out.push({ term: { states: `${k}:${q.status}` } });
  }
  return out;
}

function rowsOf(hits: { _source?: Record<string, unknown> }[]): DeviceRow[] {
  return hits.map((h) => decodeDeviceRow(String(h._source?.body)));
}

/**
 * The device-row methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns the {@link DeviceRowStore} methods
 */
export function esDeviceRows(ctx: EsContext): DeviceRowStore {
  const { client, run } = ctx;
  const index = () => ctx.index("device_rows");
  return {
    putDeviceRows(rows: readonly DeviceRow[]): Promise<void> {
      if (rows.length === 0) return Promise.resolve();
      return run("save the devices of a batch run", async () => {
        const operations = rows.flatMap((r) => [
          { index: { _index: index(), _id: `${r.run}:${r.seq}` } },
          {
            run: r.run,
            seq: r.seq,
            email: r.email,
            rating: r.rating,
            platform: r.platform,
            sources: r.sources,
            states: Object.entries(r.practices).map(([k, s]) => `${k}:${s}`),
            applies: Object.entries(r.practices).filter(([, s]) => s !== "na").map(([k]) => k),
            overdue_at: r.overdueAt,
            ...(r.serial ? { serial: r.serial } : {}),
            ...(r.hostname ? { hostname: r.hostname } : {}),
            macs: r.macs,
            body: encodeDeviceRow(r),
          },
        ]);
        const result = await client.bulk({ operations, refresh: "wait_for" });
        if (result.errors) {
          const failed = result.items.filter((i) => i.index?.error).length;
          throw new Error(`${failed} of ${rows.length} device rows were refused`);
        }
      });
    },

    deviceRows(q: DeviceRowQuery): Promise<{ rows: DeviceRow[]; total: number }> {
      const sort = q.sort === "owner"
        ? [{ email: "asc" }, { seq: "asc" }]
        : [{ overdue_at: "asc" }, { email: "asc" }, { seq: "asc" }];
      return run("read the devices of a batch run", async () => {
        const result = await client.search(
          {
            index: index(),
            query: { bool: { filter: filters(q) } },
            sort,
            from: q.offset,
            size: q.limit,
            track_total_hits: true,
          } as Parameters<typeof client.search>[0],
        );
        const total = typeof result.hits.total === "number"
          ? result.hits.total
          : result.hits.total?.value ?? 0;
        return { rows: rowsOf(result.hits.hits as { _source?: Record<string, unknown> }[]), total };
      });
    },

    findDeviceRows(runId: string, term: string, limit: number): Promise<DeviceRow[]> {
      const k = searchKeys(term);
      const any = [
        { term: { email: k.email } },
        { term: { serial: k.serial } },
        { term: { hostname: k.host } },
        ...(k.mac ? [{ term: { macs: k.mac } }] : []),
      ];
      return run("find devices of a batch run", async () =>
        rowsOf(
          await ctx.search("device_rows", {
            query: {
              bool: { filter: [{ term: { run: runId } }], should: any, minimum_should_match: 1 },
            },
            sort: [{ email: "asc" }, { seq: "asc" }],
            size: limit,
          }),
        ));
    },

    pruneDeviceRows(keep: readonly string[]): Promise<number> {
      return run("forget the devices of old batch runs", async () => {
        const r = await client.deleteByQuery({
          index: index(),
          query: { bool: { must_not: [{ terms: { run: [...keep] } }] } },
          refresh: true,
        });
        return r.deleted ?? 0;
      });
    },
  };
}
