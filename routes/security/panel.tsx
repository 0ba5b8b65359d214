/**
 * The Dashboard's "Security team" panel, read from the store: the number of open "this wasn't me"
 * reports (exact, however many), devices the latest batch run counted as exempt, and the
 * exemptions ending within {@link ENDING_DAYS} days. A store that cannot be read leaves the panel out (logged), never the
 * Dashboard.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { honouredPage } from "../../engine/view/exemptions_in_force.ts";
import { fillTitle, practiceName, titleTemplate } from "../../engine/practices/practice_titles.ts";
import { SecurityPanel } from "../../views/security_panel.tsx";
import type { Ctx } from "../context.ts";

/** How far ahead "ending soon" looks, in days. */
export const ENDING_DAYS = 30;
/** Most exemptions listed. */
const LIST_LIMIT = 10;

/** What the run counted as exempt: practices waived, and devices exempt rather than OK. */
function waivedIn(run: BatchRunSummary): { waived: number; exemptDevices: number } {
  const waived = Object.values(run.practices).reduce((n, counts) => n + (counts.exempt ?? 0), 0);
  return { waived, exemptDevices: run.ratings.exempt ?? 0 };
}

/**
 * What an exemption waives, by practice key: the practice's failing title with no device named
 * ("Firewall is off"), else its name, else the key. (Its name is its `ok` title, "Firewall is on",
 * which would read as the opposite of what is waived.)
 */
export function practiceNamer(c: Ctx): (key: string) => string {
  const names = new Map(
    c.var.deps.engine.parts.practices.map((p) => {
      const failing = titleTemplate(p.config.DISPLAY_TITLE, "warn");
      return [p.key, failing ? fillTitle(failing, {}) : practiceName(p.config.DISPLAY_TITLE)];
    }),
  );
  return (key) => names.get(key) ?? key;
}

/**
 * One page of the exemptions in force now as the engine honours them — each at most
 * `EXEMPTIONS.MAX_DAYS` from its grant (`withinMaximum()`), so the lists end them when the people's
 * views do — ordered by that honoured end across every page (`honouredPage()`), and how many are
 * in force.
 *
 * @param c the request
 * @param page `offset` skipped, at most `limit` returned (0: only the total)
 * @returns the page, each `expiresAt` as honoured, and the total
 * @throws what the store throws
 */
export function exemptionsInForce(
  c: Ctx,
  page: { offset: number; limit: number },
): Promise<{ exemptions: Exemption[]; total: number }> {
  const { store, now, config } = c.var.deps;
  return honouredPage(store.exemptions, {
    at: now(),
    maxDays: config.EXEMPTIONS.MAX_DAYS,
    timeZone: config.UI.timeZone,
    ...page,
  });
}

/**
 * The panel for the Dashboard.
 *
 * @param c the request
 * @param latest the latest batch run, if any
 * @returns the panel, or nothing when the store fails
 */
export async function securityPanel(c: Ctx, latest: BatchRunSummary | undefined): Promise<Child> {
  const { store, now, log } = c.var.deps;
  const at = now();
  try {
    const [open, active] = await Promise.all([
      store.signinReports.signInReports({ state: "open", offset: 0, limit: 0 }),
      exemptionsInForce(c, { offset: 0, limit: LIST_LIMIT }),
    ]);
    const horizon = at.getTime() + ENDING_DAYS * 86_400_000;
    return (
      <SecurityPanel
        openReports={open.total}
        latest={latest ? waivedIn(latest) : null}
        ending={active.exemptions.filter((e) => e.expiresAt.getTime() <= horizon)}
        days={ENDING_DAYS}
        practiceName={practiceNamer(c)}
        timeZone={c.var.deps.config.UI.timeZone}
        now={at}
      />
    );
  } catch (error: unknown) {
    log.error("cannot read the security team's reports and exemptions", { error: String(error) });
    return null;
  }
}
