/**
 * The people the page benchmarks (`http.ts`, `pages_cpu.ts`) sign in as: `count` distinct people
 * (issue 24: "400 distinct signed-in people"), each with their own email and their own devices,
 * looked up through real sources of a production (not demo) configuration. Person *i* gets the
 * records of demo person *i* mod 6 (`DEMO_PEOPLE`: all green, one red laptop, a network-only
 * device, the privileged one, nobody's devices, seven devices), every identifier made their own —
 * email, serials, MAC addresses, device names, Google device ids, sign-in ids — so no two people
 * share a device, the merge sees the demo's shapes, and the mix stays the demo's (figures stay
 * comparable with earlier rounds, which measured the six demo people).
 *
 * Where the facts come from: the devices are a `file` source's export (the README's file-source
 * format: `DeviceRecord` field names, ISO-8601 times, `source` kept per record); the Google
 * account (2-Step Verification from the Reports usage report, `accounts:is_2sv_enrolled`) and the
 * sign-ins (Reports login activities) come from the Google fake (`tests/fakes/google.ts`, shaped
 * from Google's Admin SDK Reports API reference), read by the real `google` plugin. What that
 * loses against the demo, named: the demo's alerts (no notification source but Elasticsearch's),
 * the Android patch level and Chromebook update expiry (fields the file format does not read),
 * and the one Duo sign-in of the seven-device person (read as a Google one). Sessions are signed
 * with the app's own session signing (`routes/signin/session.ts`) and a secret made for the run.
 *
 * @module
 */
import { Hono } from "hono";
import type { AccessEvent, DeviceRecord } from "../engine/core/types.ts";
import { DEMO_PEOPLE } from "../plugins/sources/demo_people.ts";
import type { Config } from "../config/schema.ts";
import { parseConfig } from "../config/load.ts";
import { randomToken, writeSession } from "../routes/signin/session.ts";
import type { AppEnv } from "../routes/context.ts";
import { GOOGLE_ALL_SCOPES, startGoogleServiceAccount } from "../tests/support/google.ts";
import { encodeHex } from "../lib/hex.ts";

/** One generated person. */
export interface BenchPerson {
  /** Their own address: the demo person's local part, a dash and their number. */
  email: string;
  /** The demo person whose records they got. */
  template: string;
  /** Their device records (each naming them as `email`), as the file export holds them. */
  devices: DeviceRecord[];
  /** 2-Step Verification as Google reports it; `null`: no Google account. */
  twoStep: boolean | null;
  /** Their sign-ins, newest first. */
  events: AccessEvent[];
}

/** `BENCH_PEOPLE` (default 400): how many distinct people the page benchmarks sign in as. */
export function benchPeopleCount(): number {
  const count = Number(Deno.env.get("BENCH_PEOPLE") ?? "400");
  if (!Number.isInteger(count) || count < 1 || count > 65_535) {
    throw new RangeError(`BENCH_PEOPLE: expected a whole number from 1 to 65535, got ${count}`);
  }
  return count;
}

/**
 * Makes `count` people from the demo people's records at `now`.
 *
 * @param count how many (1–65,535: a person's number goes into two octets of their MACs)
 * @param now the time the records are relative to
 * @returns person 0 … count − 1, person *i* from demo person *i* mod 6
 */
export function benchPeople(count: number, now: Date): BenchPerson[] {
  const people: BenchPerson[] = [];
  for (let i = 0; i < count; i++) {
    const t = DEMO_PEOPLE[i % DEMO_PEOPLE.length]!;
    const email = t.email.replace("@", `-${i}@`);
    const own = ownIdentifiers(i);
    people.push({
      email,
      template: t.email,
      devices: t.devices(now).map((d) => ({ ...own.device(d), email })),
      twoStep: t.twoStep,
      events: t.events(now).map((e) => ({ ...e, id: own.id(e.id ?? "") })),
    });
  }
  return people;
}

/** Rewrites a demo person's identifiers into person `i`'s own (the same one each time within). */
function ownIdentifiers(i: number) {
  const macs = new Map<string, string>();
  const id = (v: string) => `${v}-${i}`;
  const mac = (v: string) => {
    let mine = macs.get(v);
    if (mine === undefined) {
      const octets = [(i >> 8) & 255, i & 255, macs.size].map((n) =>
        n.toString(16).toUpperCase().padStart(2, "0")
      );
      mine = [...v.split(":").slice(0, 3), ...octets].join(":");
      macs.set(v, mine);
    }
    return mine;
  };
  const device = (d: DeviceRecord): DeviceRecord => {
    const out: DeviceRecord = { ...d };
    if (d.serial !== undefined) out.serial = id(d.serial);
    if (d.name !== undefined) out.name = id(d.name);
    if (d.identifiers) {
      const ids = { ...d.identifiers };
      for (const k of ["serial", "udid", "imei", "meid", "google_device_id"] as const) {
        if (ids[k] !== undefined) ids[k] = id(ids[k]);
      }
      if (ids.mac_addresses) ids.mac_addresses = ids.mac_addresses.map(mac);
      out.identifiers = ids;
    }
    return out;
  };
  return { id, device };
}

/** A Reports API login activity (Admin SDK `activities.list`, application `login`) of an event. */
function loginActivity(email: string, e: AccessEvent): Record<string, unknown> {
  return {
    kind: "admin#reports#activity",
    id: { time: e.timestamp.toISOString(), uniqueQualifier: e.id, applicationName: "login" },
    actor: { email },
    ipAddress: e.ip_address,
    events: [{
      type: "login",
      name: e.success ? "login_success" : "login_failure",
      parameters: [
        { name: "login_type", value: e.type },
        ...(e.reason ? [{ name: "login_failure_type", value: e.reason }] : []),
      ],
    }],
  };
}

/** The people's sources, running, and the configuration that reaches them. */
export interface BenchPeopleSetup {
  people: BenchPerson[];
  /**
   * The configuration file's content (production mode: `file` and `google` sources, a SQLite
   * store under `./data`, no release-feed fetching, the rate limits out of a loopback bench's way).
   */
  configJson: Record<string, unknown>;
  /** The same, read as the app reads it. */
  config: Config;
  /**
   * The `Cookie` header of a new session of `email`, signed in at `at` (default: `now`; the app's
   * own signing, this run's secret).
   */
  session: (email: string, at?: Date) => Promise<string>;
  /** Stops the Google fake. */
  close: () => Promise<void>;
}

/**
 * Writes the people's device export into `dir` (`people.json`), starts the Google fake with
 * their accounts and sign-ins, and returns the configuration for both.
 *
 * @param dir a folder of the run (the export is written there; the store goes to `dir/data`)
 * @param options `count` people at `now`; `clock`: the Google fake's clock (it checks the
 *   sign-in assertions' times against it), the real one by default — give the app's when the app
 *   runs on a frozen clock
 */
export async function setUpBenchPeople(
  dir: string,
  options: { count: number; now: Date; clock?: () => Date },
): Promise<BenchPeopleSetup> {
  const people = benchPeople(options.count, options.now);
  const exportPath = `${dir}/people.json`;
  await Deno.writeTextFile(exportPath, JSON.stringify(people.flatMap((p) => p.devices)));
  await Deno.mkdir(`${dir}/data`, { recursive: true });
  const account = await startGoogleServiceAccount(options.clock);
  const { google } = account;
  for (const p of people) {
    google.usage.set(
      p.email,
      p.twoStep === null ? [] : [{
        kind: "admin#reports#usageReport",
        date: new Date(options.now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10),
        entity: { type: "USER", userEmail: p.email },
        parameters: [{ name: "accounts:is_2sv_enrolled", boolValue: p.twoStep }],
      }],
    );
    google.activities.set(p.email, p.events.map((e) => loginActivity(p.email, e)));
  }
  const secret = () => encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  const privileged = people.filter((p) => p.template === "admin@example.com").map((p) => p.email);
  const configJson = {
    PLUGINS: {
      file: { PATH: exportPath },
      google: await account.section({ scopes: GOOGLE_ALL_SCOPES }),
    },
    SECRET_KEY: secret(),
    JWT_SECRET_KEY: secret(),
    STORE: { TYPE: "sqlite", PATH: "./data/bench.db" },
    RELEASE_DATA: { FETCH: false },
    RATE_LIMITS: {
      API: { REQUESTS: 1_000_000_000, PER_SECONDS: 1 },
      LOGIN: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
    },
    PRIVILEGED_USERS: privileged,
    EXEMPTION_GRANTERS: privileged,
    UI: { orgName: "Planet Express", contactEmail: "security@example.com" },
  };
  const config = parseConfig(configJson);
  const signer = new Hono<AppEnv>().get("/", async (c) => {
    const t = Number(c.req.query("t"));
    const data = { e: c.req.query("e")!, iat: t, seen: t, csrf: randomToken(), sid: randomToken() };
    await writeSession(c, config, data);
    return c.body(null, 204);
  });
  return {
    people,
    configJson,
    config,
    async session(email, at = options.now) {
      const query = new URLSearchParams({ e: email, t: String(at.getTime()) });
      const res = await signer.request(`http://127.0.0.1/?${query}`);
      const cookie = res.headers.get("set-cookie")?.split(";")[0];
      if (!cookie?.startsWith("stethoscope_session=")) throw new Error("no session cookie");
      return cookie;
    },
    close: () => google.close(),
  };
}

/**
 * Checks that the people's sources answered (a benchmark of pages that say "Google did not
 * answer" would measure the wrong pages): the Devices, Accounts and Activity pages of the first
 * person (the demo's all-green one) name no failed source, show their iPhone, their 2-Step
 * Verification and their sign-in.
 *
 * @param page the HTML of a page of a person, e.g. `(email, "/accounts") => …`
 * @param people the people (at least one)
 * @throws {Error} naming the page that does not show what the sources said
 */
export async function checkSourcesAnswered(
  page: (email: string, path: string) => Promise<string>,
  people: readonly BenchPerson[],
): Promise<void> {
  const first = people[0]!;
  const expected: [string, string][] = [
    ["/devices", "iPhone 16"],
    ["/accounts", "2-Step Verification is on"],
    ["/activity", "10.20.0.15"],
  ];
  for (const [path, text] of expected) {
    const html = await page(first.email, path);
    if (!html.includes(text) || /did not answer|We could not/.test(html)) {
      throw new Error(`${first.email}'s ${path} does not show what the sources said ("${text}")`);
    }
  }
}
