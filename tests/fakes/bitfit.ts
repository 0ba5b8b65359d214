/**
 * A fake bitFit REST API serving the bitFit fixtures; every request must carry `api_token`.
 *
 * @module
 */
import { type FakeServer, json, startFake } from "./server.ts";

/** The token the fake accepts. */
export const BITFIT_TOKEN = "bitfit-token-7f3a9c";

/** Loads a bitFit fixture by file name without extension. */
export async function bitfitFixture(name: string): Promise<Record<string, unknown>> {
  const url = new URL(`../fixtures/upstream/bitfit/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

/** A running fake bitFit. `baseUrl` is what an operator would put in `BITFIT_BASE_URL`. */
export interface FakeBitfit extends FakeServer {
  baseUrl: string;
  /** Asset answers by asset id. */
  assets: Map<string, unknown>;
  /** Asset ids listed for user 12345 (Fry), in order. */
  userAssets: string[];
}

/**
 * Starts a fake bitFit with user Fry (id 12345) owning assets 55416 (`lgml-pfry`) and 56196
 * (`lgmd-pfry`); asset 57001 (`frys-laptop`) exists and can be added to `userAssets`.
 *
 * @returns the fake
 */
export async function startFakeBitfit(): Promise<FakeBitfit> {
  const users = await bitfitFixture("userinfo_response");
  const list = await bitfitFixture("devices_response");
  const assets = new Map<string, unknown>([
    ["55416", await bitfitFixture("asset_response_lgml-pfry")],
    ["56196", await bitfitFixture("asset_response_lgmd-pfry")],
    ["57001", await bitfitFixture("asset_response_frys-laptop")],
  ]);
  const userAssets = ["55416", "56196"];
  const server = startFake((req) => {
    if (req.url.searchParams.get("api_token") !== BITFIT_TOKEN) {
      return json({ error: "Unauthenticated." }, 401);
    }
    const path = req.url.pathname;
    let m: RegExpMatchArray | null;
    if (path === "/api/users") {
      const search = req.url.searchParams.get("search") ?? "";
      const items = (users.items as { email: string }[]).filter((u) => u.email.includes(search));
      return json({ ...users, items });
    }
    if ((m = path.match(/^\/api\/users\/(\d+)\/assets$/))) {
      if (m[1] !== "12345") return json({ items: [] });
      const template = (list.items as Record<string, unknown>[])[0]!;
      const items = userAssets.map((id) =>
        (list.items as Record<string, unknown>[]).find((i) => String(i.id) === id) ??
          { ...template, id: Number(id) }
      );
      return json({ ...list, items });
    }
    if ((m = path.match(/^\/api\/assets\/(\d+)$/))) {
      const asset = assets.get(m[1]!);
      return asset === undefined ? json({ error: "Not Found" }, 404) : json(asset);
    }
    return json({ error: "Not Found" }, 404);
  });
  return { ...server, baseUrl: `${server.url}/api/`, assets, userAssets };
}
