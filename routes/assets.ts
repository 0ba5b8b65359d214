/**
 * The app's own static assets, embedded by text imports (so `deno compile` carries them), served
 * at content-hashed URLs with a one-year immutable cache lifetime, pre-compressed once.
 *
 * @module
 */
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import css from "../static/app.css" with { type: "text" };
import type { AppEnv } from "./context.ts";
import { sha256Hex } from "../lib/sha256.ts";

interface Asset {
  path: string;
  type: string;
  body: Uint8Array;
  gzip: Uint8Array;
}

async function makeAsset(name: string, ext: string, type: string, text: string): Promise<Asset> {
  const body = new TextEncoder().encode(text);
  const hash = (await sha256Hex(body)).slice(0, 12);
  const gzip = new Uint8Array(
    await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  return { path: `/static/${name}.${hash}.${ext}`, type, body, gzip };
}

/** The hashed asset URLs, for the layout. */
export interface AssetUrls {
  css: string;
  js: string;
}

/** Builds the asset sub-app and the URLs pages link to. */
export async function createAssets(): Promise<{ app: Hono<AppEnv>; urls: AssetUrls }> {
  const list = await Promise.all([
    makeAsset("app", "css", "text/css; charset=utf-8", css),
    makeAsset("htmx", "js", "text/javascript; charset=utf-8", htmx),
  ]);
  const byPath = new Map(list.map((a) => [a.path, a]));
  const app = new Hono<AppEnv>();
  app.get("/static/:file", (c) => {
    const asset = byPath.get(c.req.path);
    if (!asset) return c.notFound();
    c.header("Content-Type", asset.type);
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    c.header("Vary", "Accept-Encoding");
    const gz = /\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "");
    if (gz) c.header("Content-Encoding", "gzip");
    return c.body((gz ? asset.gzip : asset.body) as Uint8Array<ArrayBuffer>);
  });
  return { app, urls: { css: list[0]!.path, js: list[1]!.path } };
}
