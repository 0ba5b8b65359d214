/**
 * `deno task releases:refresh [--out FILE]`: fetches the release feeds once (URLs from
 * `RELEASE_DATA` defaults, or `SOFA_MACOS_URL`, `SOFA_IOS_URL`, `ENDOFLIFE_URL` from the
 * environment for a mirror) and rewrites the shipped fallback file
 * (`plugins/releases/shipped.json`) with today's data and date. Review the diff before committing.
 *
 * @module
 */
import { ReleaseDataSchema } from "../config/schema.ts";
import { timeoutSignal } from "../lib/abort.ts";
import { encodeFeed, type FeedName, type FeedValue } from "../plugins/releases/codec.ts";
import { createHttpClient } from "../plugins/http.ts";
import { parseEndOfLife, parseSofaFeed } from "../plugins/releases/parse.ts";

/**
 * Fetches every feed and returns the shipped file's JSON text.
 *
 * @param options feed URLs (defaults: the public feeds), clock, fetch (tests)
 * @throws {Error} naming the first feed that cannot be read: a partial file is never written
 */
export async function buildShippedFile(
  options: { env?: Record<string, string>; now?: Date; fetch?: typeof fetch } = {},
): Promise<string> {
  const config = ReleaseDataSchema.parse(options.env ?? {});
  const now = options.now ?? new Date();
  const signal = timeoutSignal(config.TIMEOUT * 1000 * 4);
  const get = (name: string, url: string) =>
    createHttpClient({
      name,
      baseUrl: url,
      timeoutMs: config.TIMEOUT * 1000,
      headers: { "User-Agent": "Stethoscope-release-data/1 (shipped-file refresh)" },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }).getJson("", { signal });
  const feeds: [FeedName, string, (body: unknown) => FeedValue][] = [
    ["sofa:macOS", config.SOFA_MACOS_URL, parseSofaFeed],
    ["sofa:iOS", config.SOFA_IOS_URL, parseSofaFeed],
    ...config.ENDOFLIFE_PRODUCTS.map((p): [FeedName, string, (b: unknown) => FeedValue] => [
      `endoflife:${p}`,
      `${config.ENDOFLIFE_URL.replace(/\/+$/, "")}/${p}.json`,
      parseEndOfLife,
    ]),
  ];
  const out: Record<string, { asOf: string; value: unknown }> = {};
  for (const [name, url, parse] of feeds) {
    out[name] = {
      asOf: now.toISOString().slice(0, 10),
      value: JSON.parse(encodeFeed(parse(await get(name, url)))),
    };
  }
  const day = now.toISOString().slice(0, 10);
  const file = {
    checked: day,
    sources: feeds.map(([name, url]) => `${name}: ${url}, fetched ${day}`),
    feeds: out,
  };
  return JSON.stringify(file, null, 2) + "\n";
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const out = i >= 0 ? Deno.args[i + 1] : undefined;
  const path = out ?? new URL("../plugins/releases/shipped.json", import.meta.url);
  const env: Record<string, string> = {};
  for (const key of ["SOFA_MACOS_URL", "SOFA_IOS_URL", "ENDOFLIFE_URL"]) {
    const v = Deno.env.get(key);
    if (v) env[key] = v;
  }
  await Deno.writeTextFile(path, await buildShippedFile({ env }));
  // deno-lint-ignore no-console
  console.log(`wrote ${String(path)}`);
}
