/**
 * A fake JAMF Classic API (`/JSSResource`) serving the JAMF fixtures, with HTTP Basic auth.
 *
 * @module
 */
import { type FakeServer, json, startFake } from "./server.ts";

/** The credentials the fake accepts. */
export const JAMF_USER = "api-reader";
export const JAMF_PASSWORD = "hunter2-jamf";

/** Loads a JAMF fixture (`lgml-pfry` or `lgmd-pfry`). */
export async function jamfFixture(name: string): Promise<{ computer: Record<string, unknown> }> {
  const url = new URL(`../fixtures/upstream/jamf/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

/** A running fake JAMF. `hostaddr` is what an operator would put in `JAMF_API_HOSTADDR`. */
export interface FakeJamf extends FakeServer {
  hostaddr: string;
  /** Computers by id (raw JSON, as the API answers it). */
  computers: Map<number, unknown>;
  /** Users by name: the ids of their computers. */
  users: Map<string, number[]>;
}

/**
 * Starts a fake JAMF holding `lgml-pfry` (id 4551) and `lgmd-pfry` (id 3062), both of user `fry`
 * (the original looks JAMF users up by the local part of the email address).
 *
 * @returns the fake; tests may add computers and users
 */
export async function startFakeJamf(): Promise<FakeJamf> {
  const computers = new Map<number, unknown>([
    [4551, await jamfFixture("lgml-pfry")],
    [3062, await jamfFixture("lgmd-pfry")],
  ]);
  const users = new Map<string, number[]>([["fry", [4551, 3062]]]);
  const expected = "Basic " + btoa(`${JAMF_USER}:${JAMF_PASSWORD}`);
  const general = (c: unknown) =>
    (c as { computer?: { general?: Record<string, unknown> } }).computer?.general ?? {};
  const find = (pred: (c: unknown) => boolean) => {
    const hit = [...computers.values()].find(pred);
    return hit === undefined ? json({ error: "Not Found" }, 404) : json(hit);
  };
  const server = startFake((req) => {
    if (req.headers.get("authorization") !== expected) {
      return new Response("<html>Unauthorized</html>", { status: 401 });
    }
    const path = decodeURIComponent(req.url.pathname);
    let m: RegExpMatchArray | null;
    if (path === "/JSSResource/jssuser") {
      return json({ user: { name: JAMF_USER, privileges: ["Read Computers"] } });
    }
    if ((m = path.match(/^\/JSSResource\/users\/name\/(.+)$/))) {
      const ids = users.get(m[1]!);
      if (ids === undefined) return json({ error: "Not Found" }, 404);
      return json({
        user: {
          id: 1,
          name: m[1],
          email: `${m[1]}@planetexpress.com`,
          links: { computers: ids.map((id) => ({ id, name: `computer-${id}` })) },
        },
      });
    }
    if ((m = path.match(/^\/JSSResource\/computers\/id\/(\d+)$/))) {
      const c = computers.get(Number(m[1]));
      return c === undefined ? json({ error: "Not Found" }, 404) : json(c);
    }
    if ((m = path.match(/^\/JSSResource\/computers\/serialnumber\/(.+)$/))) {
      const serial = m[1];
      return find((c) => general(c).serial_number === serial);
    }
    if ((m = path.match(/^\/JSSResource\/computers\/macaddress\/(.+)$/))) {
      const mac = m[1]!.toUpperCase();
      return find((c) => general(c).mac_address === mac || general(c).alt_mac_address === mac);
    }
    return json({ error: "Not Found" }, 404);
  });
  return { ...server, hostaddr: `${server.url}/JSSResource`, computers, users };
}
