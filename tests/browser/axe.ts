/**
 * axe-core (from npm) in a Chromium page: the serious and critical violations of a page, and
 * their description for an assertion message. The app's CSP forbids inline scripts, so axe is
 * evaluated through the DevTools protocol (`page.evaluate`), which CSP does not govern.
 *
 * @module
 */
import axeSource from "axe-core/axe.min.js" with { type: "text" };
import type { Page } from "playwright-core";

/** One element axe flagged. */
export interface AxeNode {
  target: string[];
  html: string;
  failureSummary?: string;
}

/** One rule axe found broken, and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** Runs axe on the page (details opened so practice bodies are checked too). */
export async function audit(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as unknown;
  }) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The violations as lines naming the page, the rule and the first three elements. */
export function describe(path: string, violations: AxeViolation[]): string[] {
  return violations.map((v) =>
    `${path}: ${v.impact} ${v.id} (${v.help}) at ${
      v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.html.slice(0, 120)}`).join(" | ")
    }`
  );
}
