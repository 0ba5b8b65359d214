/**
 * A small HTML preview of a Slack message from its Block Kit blocks, so a test can look at a
 * nudge as a person would see it in Slack (header, sections in mrkdwn with `*bold*` and
 * `<url|text>` links, divider, context) and the README can show a screenshot. Only the blocks and
 * mrkdwn nudges use; everything else is shown as its JSON, so nothing is hidden.
 *
 * @module
 */
import type { SlackBlock } from "../../engine/nudges/nudge_message.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Slack mrkdwn as HTML: `<url|text>` links, `*bold*`, newlines; `&amp;`, `&lt;`, `&gt;` are
 * Slack's own escapes and are read back.
 *
 * @param text mrkdwn as posted
 * @returns safe HTML
 */
export function mrkdwnToHtml(text: string): string {
  const parts: string[] = [];
  let rest = text;
  for (;;) {
    const m = rest.match(/<([^|>]+)\|([^>]+)>/);
    if (!m || m.index === undefined) break;
    parts.push(inline(rest.slice(0, m.index)));
    parts.push(`<a href="${escapeHtml(m[1]!)}">${inline(m[2]!)}</a>`);
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(inline(rest));
  return parts.join("");
}

function inline(text: string): string {
  const plain = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return escapeHtml(plain).replace(/\*([^*\n]+)\*/g, "<strong>$1</strong>").replace(/\n/g, "<br>");
}

/**
 * A whole page previewing one Slack DM from the app.
 *
 * @param blocks the message's blocks
 * @param appName the app's display name in Slack
 * @returns an HTML document
 */
export function slackPreview(blocks: readonly SlackBlock[], appName: string): string {
  const body = blocks.map((b) => {
    switch (b.type) {
      case "header":
        return `<h2>${escapeHtml(b.text.text)}</h2>`;
      case "section":
        return `<p>${mrkdwnToHtml(b.text.text)}</p>`;
      case "divider":
        return "<hr>";
      case "context":
        return `<p class="context">${b.elements.map((e) => mrkdwnToHtml(e.text)).join(" ")}</p>`;
      default:
        return `<pre>${escapeHtml(JSON.stringify(b))}</pre>`;
    }
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slack preview</title>
<style>
body { font: 15px/1.46 -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #fff; color: #1d1c1d; }
.msg { display: flex; gap: 8px; padding: 12px 20px; max-width: 640px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; display: grid; place-items: center; font-weight: 700; flex: none; }
.who { font-weight: 900; } .app { font-size: 10px; background: #ddd; border-radius: 2px; padding: 1px 3px; margin-left: 4px; color: #555; }
h2 { font-size: 18px; margin: 4px 0 8px; } p { margin: 0 0 8px; } a { color: #1264a3; text-decoration: none; }
hr { border: 0; border-top: 1px solid #ddd; } .context { font-size: 12px; color: #616061; }
</style></head><body><div class="msg"><div class="avatar">${
    escapeHtml(appName.charAt(0))
  }</div><div><div><span class="who">${escapeHtml(appName)}</span><span class="app">APP</span></div>
${body}</div></div></body></html>`;
}
