import assert from "node:assert/strict";
import { stagedLookup } from "../../engine/view/lookup.ts";
import {
  type CallOptions,
  type DeviceSource,
  NotFoundError,
  type OwnershipSource,
} from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { abortable } from "../../lib/abort.ts";

type Answer = DeviceRecord[] | Error;
type Table = Record<string, Answer>;

/**
 * A meeting point for `count` calls: `arrive()` resolves once all of them have arrived. Calls
 * made one after another never meet, so a lookup that serialised them would stop with nothing
 * left to run, which Deno reports as a failed test ("Promise resolution is still pending but the
 * event loop has already resolved") instead of a slow one.
 */
function meeting(count: number): { arrive: () => Promise<void>; arrived: () => number } {
  let arrived = 0;
  let open: () => void = () => {};
  const all = new Promise<void>((resolve) => (open = resolve));
  return {
    arrive() {
      if (++arrived >= count) open();
      return all;
    },
    arrived: () => arrived,
  };
}

/**
 * A fake device source answering from tables once `gate` (default: at once) lets a call through,
 * logging every call.
 */
function fakeSource(
  name: string,
  tables: { email?: Table; serial?: Table; mac?: Table },
  options: {
    gate?: (kind: string, value: string) => Promise<void>;
    timeoutMs?: number | null;
    log?: string[];
    ignoreAbort?: boolean;
  } = {},
): DeviceSource {
  const answer = (kind: string, table: Table) => async (value: string, o: CallOptions) => {
    options.log?.push(`${name}.${kind}(${value})`);
    const gate = options.gate?.(kind, value) ?? Promise.resolve();
    await (options.ignoreAbort ? gate : abortable(gate, o.signal));
    const a = table[value];
    if (a === undefined) throw new NotFoundError(`${kind} ${value}`);
    if (a instanceof Error) throw a;
    return a;
  };
  const source: DeviceSource = {
    name,
    timeoutMs: options.timeoutMs === undefined ? 1000 : options.timeoutMs,
  };
  if (tables.email) source.devicesByEmail = answer("email", tables.email);
  if (tables.serial) source.devicesBySerial = answer("serial", tables.serial);
  if (tables.mac) source.devicesByMac = answer("mac", tables.mac);
  return source;
}

function fakePre(
  name: string,
  records: DeviceRecord[],
  gate: () => Promise<void> = () => Promise.resolve(),
): OwnershipSource {
  return {
    name,
    timeoutMs: null,
    async ownedDevicesByEmail(_email, o) {
      await abortable(gate(), o.signal);
      return records;
    },
  };
}

const EMAIL = "fry@planetexpress.com";
const rec = (source: string, name: string): DeviceRecord => ({ source, name });
const names = (items: DeviceRecord[]) => items.map((r) => `${r.source}:${r.name}`);

Deno.test("stagedLookup() lists ownership records, then email, serial and MAC results", async () => {
  const log: string[] = [];
  const bitfit = fakePre("bitfit", [{
    source: "bitfit",
    name: "asset",
    identifiers: { serial: "S1", mac_addresses: ["00-de-ca-fb-ad-00", "02:00:00:00:00:00"] },
  }]);
  const jamf = fakeSource("jamf", {
    email: { [EMAIL]: [rec("jamf", "by-email")] },
    serial: { S1: [rec("jamf", "by-serial")] },
    mac: { "00:DE:CA:FB:AD:00": [rec("jamf", "by-mac")] },
  }, { log });
  const google = fakeSource("google", { email: { [EMAIL]: [rec("google", "phone")] } }, { log });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [jamf, google],
    ownershipSources: [bitfit],
    transform: (list) => list,
  });
  assert.deepEqual(names(items), [
    "bitfit:asset",
    "jamf:by-email",
    "google:phone",
    "jamf:by-serial",
    "jamf:by-mac",
  ]);
  assert.deepEqual(errors, []);
  // the MAC was canonicalised and the locally administered one was not looked up
  assert.deepEqual(log.sort(), [
    `google.email(${EMAIL})`,
    `jamf.email(${EMAIL})`,
    "jamf.mac(00:DE:CA:FB:AD:00)",
    "jamf.serial(S1)",
  ]);
});

Deno.test("stagedLookup() applies the transform to ownership records before seeding lookups", async () => {
  const log: string[] = [];
  const jamf = fakeSource("jamf", { serial: { FROM_TRANSFORM: [rec("jamf", "found")] } }, { log });
  const { items } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    ownershipSources: [fakePre("bitfit", [{ source: "bitfit", name: "asset" }])],
    transform: (list) =>
      list.map((r) => ({ ...r, manufacturer: "Apple", identifiers: { serial: "FROM_TRANSFORM" } })),
  });
  assert.deepEqual(log, ["jamf.serial(FROM_TRANSFORM)"]);
  assert.deepEqual(items.map((r) => [r.name, r.manufacturer]), [["asset", "Apple"], [
    "found",
    undefined,
  ]]);
});

Deno.test("stagedLookup() turns not-found into nothing and reports other failures", async () => {
  const jamf = fakeSource("jamf", {
    email: {},
    serial: { S1: new Error("JAMF answered 500") },
  });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    ownershipSources: [
      fakePre("bitfit", [{ source: "bitfit", name: "asset", identifiers: { serial: "S1" } }]),
    ],
    transform: (list) => list,
  });
  assert.deepEqual(names(items), ["bitfit:asset"]);
  assert.deepEqual(errors, [{
    source: "jamf",
    operation: "devicesBySerial",
    kind: "error",
    message: "JAMF answered 500",
  }]);
});

Deno.test("stagedLookup() reports a source past its deadline as a timeout without waiting for it", async () => {
  // The slow source never answers and ignores its abort signal: only the deadline can end the
  // lookup. Waiting for the source would leave the test pending with nothing left to run.
  const slow = fakeSource("landesk", { email: { [EMAIL]: [rec("landesk", "late")] } }, {
    gate: () => new Promise<void>(() => {}),
    timeoutMs: 50,
    ignoreAbort: true,
  });
  const fast = fakeSource("google", { email: { [EMAIL]: [rec("google", "phone")] } });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [slow, fast],
    ownershipSources: [],
    transform: (l) => l,
  });
  assert.deepEqual(names(items), ["google:phone"]);
  assert.deepEqual(errors, [{
    source: "landesk",
    operation: "devicesByEmail",
    kind: "timeout",
    message: "landesk did not answer within 0.05 s",
  }]);
});

Deno.test("stagedLookup() runs email lookups beside ownership records and seeded lookups in parallel", async () => {
  // Each group only answers once all of its calls are in flight at the same time (no deadlines):
  // the ownership call and the email call meet, then the three serial calls meet. A lookup that
  // awaited one before starting the next would never finish.
  const startedTogether = meeting(2);
  const serials = meeting(3);
  const pre = fakePre(
    "bitfit",
    ["A", "B", "C"].map((serial) => ({ source: "bitfit", name: serial, identifiers: { serial } })),
    () => startedTogether.arrive(),
  );
  const log: string[] = [];
  const jamf = fakeSource("jamf", {
    email: { [EMAIL]: [rec("jamf", "mail")] },
    serial: { A: [rec("jamf", "a")], B: [rec("jamf", "b")], C: [rec("jamf", "c")] },
  }, {
    timeoutMs: null,
    log,
    gate: (kind) => kind === "email" ? startedTogether.arrive() : serials.arrive(),
  });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    ownershipSources: [pre],
    transform: (l) => l,
  });
  assert.deepEqual(errors, []);
  assert.equal(startedTogether.arrived(), 2);
  assert.equal(serials.arrived(), 3);
  assert.deepEqual(log, [
    `jamf.email(${EMAIL})`,
    "jamf.serial(A)",
    "jamf.serial(B)",
    "jamf.serial(C)",
  ]);
  assert.deepEqual(names(items), [
    "bitfit:A",
    "bitfit:B",
    "bitfit:C",
    "jamf:mail",
    "jamf:a",
    "jamf:b",
    "jamf:c",
  ]);
});

Deno.test("stagedLookup() reports every call as failed when the request is aborted", async () => {
  const controller = new AbortController();
  controller.abort(new Error("client went away"));
  const jamf = fakeSource("jamf", { email: { [EMAIL]: [rec("jamf", "x")] } }, {
    gate: () => new Promise<void>(() => {}), // answers only if the abort is ignored
  });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    ownershipSources: [],
    transform: (l) => l,
    signal: controller.signal,
  });
  assert.deepEqual(items, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.source, "jamf");
});
