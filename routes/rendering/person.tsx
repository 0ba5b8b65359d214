/**
 * Pages over a person's view (issue 13): served at once from the snapshot (a stale one starts a
 * background refresh), or — on a first view with no snapshot, when the inventories have not
 * answered within `SNAPSHOTS.STREAM_AFTER_MS` — streamed: the document head,
 * header, navigation and a status line naming the inventories go out at once, the content follows
 * in the same response when the lookup finishes. Works with JavaScript off (in-order streaming)
 * and with the CSP unchanged (no inline script).
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { PersonView, ViewPart } from "../../engine/view/view.ts";
import { askingSources } from "../../views/freshness.tsx";
import { type Html, markup } from "../../views/html.ts";
import { layout } from "../../views/layout.tsx";
import { untilAborted } from "../../lib/abort.ts";
import type { Ctx } from "../context.ts";
import { htmlPage, jsxText, lookedUp, shellFor } from "./render.tsx";
import { visitOf } from "./person_data.ts";

/** A person page's body, as text or as JSX, and the badge's count if the page has it. */
export type PageBody = ({ html: Html } | { body: Child }) & { alerts?: number };

/** The body as text (a JSX body rendered). */
function bodyText(body: PageBody): Html | Promise<Html> {
  return "html" in body ? body.html : jsxText(body.body);
}

/** What a page built on a person's view shows. */
export interface PersonPage {
  title: string;
  active: string;
  need: ViewPart;
  /**
   * `false` for a page that shows no "failing since" or deadline (Accounts, Activity): its view
   * reads and records no status history; the badge's count is the same (see `PersonViews.visit`).
   */
  history?: false;
  /**
   * The page body for a view — `html` when it is text already (`views/html.ts`), else a JSX
   * `body` — and the badge's count when the page has it at hand.
   */
  render: (view: PersonView) => Promise<PageBody>;
}

const MARK = "<!--stethoscope:content-->" as Html;

/** The display names of every source a first view asks, for the status line. */
function askedSources(c: Ctx): string[] {
  const { engine, config } = c.get("deps");
  const p = engine.parts;
  const names = [
    ...p.ownershipSources,
    ...p.deviceSources,
    ...p.accountSources,
    ...p.eventSources,
  ].map((s) => config.UI.sourceLabels[s.name] ?? s.name);
  return [...new Set(names)];
}

/**
 * Answers a page over the person's view: from the snapshot when there is one, else streamed.
 *
 * @param c the request
 * @param email whose view
 * @param spec title, navigation entry, the part needed and the body
 */
export async function personPage(c: Ctx, email: string, spec: PersonPage): Promise<Response> {
  const whole = async (view: PersonView) => {
    const body = await spec.render(view);
    return await htmlPage(c, {
      title: spec.title,
      active: spec.active,
      person: email,
      ...(body.alerts !== undefined ? { alerts: body.alerts } : {}),
    }, await bodyText(body));
  };
  const visit = visitOf(c, email, spec.history === false ? { history: false } : undefined);
  const cached = await visit.cachedView(spec.need);
  if (cached) return await whole(cached);
  const lookup = visit.view(spec.need);
  // the lookup's answer if it comes within STREAM_AFTER_MS, else stream
  const streamAfterMs = c.get("deps").config.SNAPSHOTS.STREAM_AFTER_MS;
  const quick = streamAfterMs <= 0
    ? null
    : await untilAborted(lookup, AbortSignal.timeout(streamAfterMs));
  if (quick) return await whole(quick);
  const shell = layout(
    { shell: shellFor(c), title: spec.title, active: spec.active, lookedUp: lookedUp(c, email) },
    markup`${askingSources(askedSources(c))}${MARK}`,
  );
  const cut = shell.indexOf(MARK);
  const encoder = new TextEncoder();
  let gone = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!gone) controller.enqueue(encoder.encode(text));
      };
      send(shell.slice(0, cut));
      try {
        const body = await bodyText(await spec.render(await lookup));
        send(`<div class="arrived">${body}</div>`);
      } catch (error: unknown) {
        c.get("deps").log.error("streamed page failed", { path: c.req.path, error: String(error) });
        send(
          '<div class="arrived panel banner" role="alert">' +
            "Something went wrong on our side. Reload the page in a moment.</div>",
        );
      }
      send(shell.slice(cut + MARK.length));
      if (!gone) controller.close();
    },
    cancel() {
      gone = true; // the browser went away; the lookup still completes and fills the snapshot
    },
  });
  // no-transform: the compression middleware (and proxies) would hold the head back
  c.header("Cache-Control", "no-store, no-transform");
  c.header("Content-Type", "text/html; charset=UTF-8");
  return c.body(body, 200);
}
