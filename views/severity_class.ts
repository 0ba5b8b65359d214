/**
 * How each severity looks: the stylesheet's class names (`static/app.css`) and the icon beside an
 * item. The names are the stylesheet's own short spellings, kept so the markup does not change;
 * what a severity means and is called lives in `engine/core/severity.ts`. Changes with the stylesheet.
 *
 * @module
 */
import type { Rating, Severity } from "../engine/core/severity.ts";

/** The class of a to-do item, an icon and a practice group (`.crit`, `.sugg`, `.done`…). */
export const SEVERITY_CLASS: Readonly<Record<Severity, string>> = {
  critical: "crit",
  suggested: "sugg",
  unknown: "unknown",
  info: "info",
  ok: "done",
  na: "na",
};

/** The class of a device card by its rating (`.device.critical`, `.device.warning`…). */
export const RATING_CLASS: Readonly<Record<Rating, string>> = {
  critical: "critical",
  suggested: "warning",
  ok: "ok",
  unknown: "unknown",
};

/** The icon beside an item (hidden from screen readers, which read the severity's words). */
export const SEVERITY_ICON: Readonly<Record<Severity, string>> = {
  critical: "!",
  suggested: "!",
  unknown: "?",
  info: "i",
  ok: "✓",
  na: "–",
};
