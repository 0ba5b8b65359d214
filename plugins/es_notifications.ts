/**
 * `es_notifications` (spec §3.6, decision 13): a person's alerts from an Elasticsearch index,
 * newest first, normalised to the `Notification` shape the pages render. A hit without a message
 * or a readable timestamp is skipped and logged; an ES failure throws, so the engine reports it
 * beside the other sources' data.
 *
 * Config: `ELASTICSEARCH_HOSTS`, `ELASTICSEARCH_INDEX`, optional `ELASTICSEARCH_KWARGS`,
 * `ELASTICSEARCH_DOCTYPE` (ignored), `TIMEOUT`.
 *
 * @module
 */
import { z } from "zod";
import type { Logger } from "../config/log.ts";
import { type CallOptions, UpstreamError } from "../engine/core/ports.ts";
import { type Notification, NOTIFICATION_SEVERITIES } from "../engine/core/types.ts";
import { sameEmail } from "../engine/identity/emails.ts";
import {
  createEsClient,
  describeEsError,
  esBaseShape,
  pingEs,
  requiredKey,
} from "./elasticsearch.ts";
import { definePlugin } from "./plugin.ts";

/** The plugin's `PLUGINS.es_notifications` section. */
export const schema = z.object({
  ...esBaseShape,
  ELASTICSEARCH_INDEX: requiredKey("the index (or pattern) holding notifications"),
}).strict();

/** Most notifications shown for one person. */
export const PAGE_SIZE = 50;

const answer = z.union([
  z.object({ value: z.string().min(1), label: z.string().min(1) }),
  z.string().min(1).transform((s) => ({ value: s, label: s })),
]);

/** What a stored notification document must hold; everything else is optional. */
const sourceSchema = z.object({
  message: z.string({ error: "no message" }).min(1, { error: "no message" }),
  event_timestamp: z.union([z.string(), z.number()], { error: "no event_timestamp" })
    .transform((v, ctx) => {
      const date = new Date(v);
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: "custom", message: `unreadable event_timestamp "${v}"` });
        return z.NEVER;
      }
      return date;
    }),
  type: z.string().min(1).optional().catch(undefined),
  title: z.string().min(1).optional().catch(undefined),
  severity: z.enum(NOTIFICATION_SEVERITIES).optional().catch(undefined),
  answers: z.array(answer).optional().catch(undefined),
  /** Stethoscope's own fields: the practice key and the device an alert is about (issue 27). */
  practice: z.string().min(1).max(100).optional().catch(undefined),
  device: z.string().min(1).max(200).optional().catch(undefined),
});

/** One search hit as far as we read it. */
export interface EsHit {
  _id?: string;
  _source?: unknown;
}

/**
 * Turns one hit into a `Notification`, or `null` (with a warning) when it lacks what a person
 * needs to see.
 *
 * @param hit the raw search hit
 * @param options the plugin name (becomes `source`) and a logger for skipped hits
 * @returns the notification or `null`
 */
export function normaliseHit(
  hit: EsHit,
  options: { source: string; log: Logger },
): Notification | null {
  if (typeof hit !== "object" || hit === null) {
    options.log.warn("skipping a notification that cannot be shown", { why: "not an object" });
    return null;
  }
  const parsed = sourceSchema.safeParse(hit._source ?? {});
  if (typeof hit._id !== "string" || !parsed.success) {
    const why = parsed.success ? "no _id" : parsed.error.issues.map((i) => i.message).join("; ");
    options.log.warn("skipping a notification that cannot be shown", { id: hit._id, why });
    return null;
  }
  const s = parsed.data;
  const n: Notification = {
    id: hit._id,
    type: s.type ?? "simple",
    message: s.message,
    event_timestamp: s.event_timestamp,
    source: options.source,
  };
  if (s.title !== undefined) n.title = s.title;
  if (s.severity !== undefined) n.severity = s.severity;
  if (s.practice !== undefined) n.practice = s.practice;
  if (s.device !== undefined) n.device = s.device;
  if (n.type !== "simple" && s.answers !== undefined && s.answers.length > 0) {
    n.answers = s.answers;
  }
  return n;
}

/**
 * Whether a hit's `email` (a string, or a list of them) names `email` under `sameEmail`. A `match`
 * query is analysed: Elasticsearch lower-cases with Unicode rules (U+212A KELVIN SIGN reads as
 * `k`) and, with the standard analyzer, splits `kif@example.com` into `kif` and `example.com`, so
 * its hits may belong to other people; only the person's own are shown.
 *
 * @param hit a raw search hit
 * @param email the person asked about
 * @returns true when the hit's `_source.email` names that person
 */
export function addressedTo(hit: EsHit, email: string): boolean {
  const source = hit?._source;
  if (typeof source !== "object" || source === null) return false;
  const owners = (source as { email?: unknown }).email;
  const list = Array.isArray(owners) ? owners : [owners];
  return list.some((o) => typeof o === "string" && sameEmail(o, email));
}

/** The notification source reading alerts from Elasticsearch; see the module doc for its config. */
export default definePlugin(schema, async (config, ctx) => {
  const client = await createEsClient(config, { timeoutMs: ctx.timeoutMs });
  const index = config.ELASTICSEARCH_INDEX;
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async notificationsByEmail(email: string, options: CallOptions): Promise<Notification[]> {
      let hits: EsHit[];
      try {
        const result = await client.search({
          index,
          query: { match: { email } },
          sort: [{ event_timestamp: { order: "desc", unmapped_type: "date" } }],
          size: PAGE_SIZE,
        }, { signal: options.signal });
        hits = result.hits.hits as EsHit[];
      } catch (error: unknown) {
        if (options.signal.aborted) throw options.signal.reason ?? error;
        throw new UpstreamError(`${ctx.name}: ${describeEsError(error)}`, undefined);
      }
      const out: Notification[] = [];
      for (const hit of hits) {
        if (!addressedTo(hit, email)) continue;
        const n = normaliseHit(hit, { source: ctx.name, log: ctx.log });
        if (n !== null) out.push(n);
      }
      return out.sort((a, b) => b.event_timestamp.getTime() - a.event_timestamp.getTime());
    },

    checkConnectivity: (options: CallOptions) =>
      pingEs(client, { name: ctx.name, signal: options.signal }),

    async close(): Promise<void> {
      await client.close();
    },
  };
}, { kinds: ["notifications"], summary: "alerts from an Elasticsearch index" });
