/**
 * The words of a nudge (issue 27): one digest per person, in plain words — what is wrong, on which
 * device, by when, and a link straight to each item's fix — as an email (subject, text, a simple
 * HTML part) and as a Slack message (Block Kit blocks with a text fallback, as Slack's
 * `chat.postMessage` documents: `text` is what notifications and screen readers use). Pure; the
 * channels only deliver what this writes.
 *
 * @module
 */
import type { NudgeItem, NudgePlan } from "./nudges.ts";

/** Who the message is from and where its links go. */
export interface NudgeSender {
  /** The product's name as the company shows it (`UI.appName`, default "Stethoscope"). */
  appName: string;
  /** The site's external origin (`PUBLIC_ORIGIN`), e.g. `https://stethoscope.example.com`. */
  origin: string;
  /** Who to ask (`UI.contactEmail`), when configured. */
  contactEmail?: string;
}

/** A Slack Block Kit block, as far as nudges use them (`header`, `section`, `context`, `divider`). */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] }
  | { type: "divider" };

/** One message, ready for any channel. */
export interface NudgeMessage {
  subject: string;
  /** The plain-text body (email text part; Slack's fallback `text` is `subject`). */
  text: string;
  /** The email's HTML part: the same words, escaped, with links. */
  html: string;
  /** Slack: the fallback text and the blocks. */
  slack: { text: string; blocks: SlackBlock[] };
}

/** The absolute link of an item's fix. */
function fixLink(sender: NudgeSender, item: NudgeItem): string {
  return new URL(item.href, sender.origin).href;
}

/** The link that asks the person to confirm a snooze of one suggested item (a page, not a GET). */
export function snoozeLink(sender: NudgeSender, item: Pick<NudgeItem, "key">): string {
  const url = new URL("/nudges/snooze", sender.origin);
  url.searchParams.set("item", item.key);
  return url.href;
}

function day(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "long" }).format(at);
}

function when(item: NudgeItem, timeZone: string, now: Date): string {
  if (item.level === "critical") return "Fix now";
  if (item.deadline === undefined) return "Suggested";
  return item.deadline.getTime() <= now.getTime()
    ? `Overdue since ${day(item.deadline, timeZone)}`
    : `Required by ${day(item.deadline, timeZone)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack mrkdwn treats `&`, `<` and `>` as control characters (Slack: "Escaping text"). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function countWords(items: readonly NudgeItem[]): string {
  const n = items.length;
  return n === 1 ? "1 thing" : `${n} things`;
}

/**
 * Writes the digest for a plan.
 *
 * @param plan a plan to send (from `planNudge`)
 * @param sender the product's name, origin and contact
 * @param now the clock, to say "overdue since" or "required by"
 * @returns subject, text, HTML and Slack blocks saying the same things; every item names its
 *   device or account, when it is due, and links to its fix; suggested items add a snooze link
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const m = nudgeMessage(
 *   {
 *     send: true, localDay: "2026-12-07", timeZone: "UTC", because: new Map(),
 *     items: [{ key: "k", level: "critical", title: "Firewall is off", where: "MacBook Pro",
 *       href: "/devices#dev-C02-firewall" }],
 *   },
 *   { appName: "Stethoscope", origin: "https://stethoscope.example.com" },
 *   new Date("2026-12-07T14:00:00Z"),
 * );
 * assert.equal(m.subject, "Stethoscope: 1 thing to fix on your devices");
 * ```
 */
export function nudgeMessage(
  plan: Extract<NudgePlan, { send: true }>,
  sender: NudgeSender,
  now: Date,
): NudgeMessage {
  const { items, timeZone } = plan;
  const critical = items.filter((i) => i.level === "critical").length;
  const subject = `${sender.appName}: ${countWords(items)} to ${
    critical > 0 ? "fix" : "look at"
  } on your devices`;
  const home = new URL("/", sender.origin).href;
  const settings = new URL("/nudges/settings", sender.origin).href;
  const intro = `${sender.appName} found ${countWords(items)} on your devices that ${
    items.length === 1 ? "needs" : "need"
  } you:`;
  const lines = items.map((i) => {
    const snooze = i.level === "critical" ? "" : `\n  Not now? Snooze it: ${snoozeLink(sender, i)}`;
    return `- ${i.title} — ${i.where}\n  ${when(i, timeZone, now)}. How to fix it: ${
      fixLink(sender, i)
    }${snooze}`;
  });
  const ask = sender.contactEmail ? ` Questions? Write to ${sender.contactEmail}.` : "";
  const footer = `Everything about your devices: ${home}\n` +
    `You get this because ${sender.appName} checks your devices for the security team.${ask}\n` +
    `Fewer messages: ${settings}`;
  const text = `Hello,\n\n${intro}\n\n${lines.join("\n")}\n\n${footer}\n`;

  const htmlItems = items.map((i) => {
    const snooze = i.level === "critical"
      ? ""
      : ` · <a href="${escapeHtml(snoozeLink(sender, i))}">Snooze</a>`;
    return `<li style="margin:0 0 10px"><strong>${escapeHtml(i.title)}</strong> — ${
      escapeHtml(i.where)
    }<br>${escapeHtml(when(i, timeZone, now))} · <a href="${
      escapeHtml(fixLink(sender, i))
    }">How to fix it</a>${snooze}</li>`;
  });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${
    escapeHtml(subject)
  }</title></head><body style="font-family:sans-serif;line-height:1.45;max-width:600px"><p>Hello,</p><p>${
    escapeHtml(intro)
  }</p><ul>${htmlItems.join("")}</ul><p><a href="${
    escapeHtml(home)
  }">Everything about your devices</a></p><p>You get this because ${
    escapeHtml(sender.appName)
  } checks your devices for the security team.${escapeHtml(ask)} <a href="${
    escapeHtml(settings)
  }">Fewer messages</a></p></body></html>`;

  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: subject } },
    { type: "section", text: { type: "mrkdwn", text: escapeSlack(intro) } },
    ...items.map((i): SlackBlock => {
      const snooze = i.level === "critical" ? "" : ` · <${snoozeLink(sender, i)}|Snooze>`;
      return {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${escapeSlack(i.title)}* — ${escapeSlack(i.where)}\n${
            escapeSlack(when(i, timeZone, now))
          } · <${fixLink(sender, i)}|How to fix it>${snooze}`,
        },
      };
    }),
    { type: "divider" },
    {
      type: "context",
      elements: [{
        type: "mrkdwn",
        text: `<${home}|Everything about your devices> · <${settings}|Fewer messages>`,
      }],
    },
  ];
  return { subject, text, html, slack: { text: `${subject}\n${lines.join("\n")}`, blocks } };
}
