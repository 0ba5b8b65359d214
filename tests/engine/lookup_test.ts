import assert from "node:assert/strict";
import { stagedLookup } from "../../engine/lookup.ts";
import {
  type CallOptions,
  type DeviceSource,
  NotFoundError,
  type PreDeviceSource,
} from "../../engine/ports.ts";
import type { DeviceRecord } from "../../engine/types.ts";

type Answer = DeviceRecord[] | Error;
type Table = Record<string, Answer>;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

/** A fake device source answering from tables after `delay` ms, logging every call. */
function fakeSource(
  name: string,
  tables: { email?: Table; serial?: Table; mac?: Table },
  options: { delay?: number; timeoutMs?: number | null; log?: string[]; ignoreAbort?: boolean } =
    {},
): DeviceSource {
  const answer = (kind: string, table: Table) => async (value: string, o: CallOptions) => {
    options.log?.push(`${name}.${kind}(${value})`);
    await sleep(options.delay ?? 0, options.ignoreAbort ? undefined : o.signal);
    const a = table[value];
    if (a === undefined) throw new NotFoundError(`${kind} ${value}`);
    if (a instanceof Error) throw a;
    return a;
  };
  const source: DeviceSource = { name, timeoutMs: options.timeoutMs ?? 1000 };
  if (tables.email) source.devicesByEmail = answer("email", tables.email);
  if (tables.serial) source.devicesBySerial = answer("serial", tables.serial);
  if (tables.mac) source.devicesByMac = answer("mac", tables.mac);
  return source;
}

function fakePre(name: string, records: DeviceRecord[], delay = 0): PreDeviceSource {
  return {
    name,
    timeoutMs: 1000,
    async preDevicesByEmail(_email, o) {
      await sleep(delay, o.signal);
      return records;
    },
  };
}

const EMAIL = "fry@planetexpress.com";
const rec = (source: string, name: string): DeviceRecord => ({ source, name });
const names = (items: DeviceRecord[]) => items.map((r) => `${r.source}:${r.name}`);

Deno.test("stagedLookup() lists pre-devices, then email, serial and MAC results", async () => {
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
    preDeviceSources: [bitfit],
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

Deno.test("stagedLookup() applies the transform to pre-devices before seeding lookups", async () => {
  const log: string[] = [];
  const jamf = fakeSource("jamf", { serial: { FROM_TRANSFORM: [rec("jamf", "found")] } }, { log });
  const { items } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    preDeviceSources: [fakePre("bitfit", [{ source: "bitfit", name: "asset" }])],
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
    preDeviceSources: [
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
  const slow = fakeSource("landesk", { email: { [EMAIL]: [rec("landesk", "late")] } }, {
    delay: 2000,
    timeoutMs: 50,
    ignoreAbort: true,
  });
  const fast = fakeSource("google", { email: { [EMAIL]: [rec("google", "phone")] } });
  const started = performance.now();
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [slow, fast],
    preDeviceSources: [],
    transform: (l) => l,
  });
  const took = performance.now() - started;
  assert.ok(took < 1000, `took ${took} ms`);
  assert.deepEqual(names(items), ["google:phone"]);
  assert.deepEqual(errors, [{
    source: "landesk",
    operation: "devicesByEmail",
    kind: "timeout",
    message: "landesk did not answer within 0.05 s",
  }]);
});

Deno.test("stagedLookup() runs email lookups beside pre-devices and seeded lookups in parallel", async () => {
  const pre = fakePre(
    "bitfit",
    ["A", "B", "C"].map((serial) => ({ source: "bitfit", name: serial, identifiers: { serial } })),
    150,
  );
  const jamf = fakeSource("jamf", {
    email: { [EMAIL]: [rec("jamf", "mail")] },
    serial: { A: [rec("jamf", "a")], B: [rec("jamf", "b")], C: [rec("jamf", "c")] },
  }, { delay: 150 });
  const started = performance.now();
  const { items } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    preDeviceSources: [pre],
    transform: (l) => l,
  });
  const took = performance.now() - started;
  // sequential would be 150 (pre) + 150 (email) + 3 × 150 (serials) = 750 ms
  assert.ok(took < 500, `took ${took} ms`);
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
  const jamf = fakeSource("jamf", { email: { [EMAIL]: [rec("jamf", "x")] } }, { delay: 10 });
  const { items, errors } = await stagedLookup(EMAIL, {
    deviceSources: [jamf],
    preDeviceSources: [],
    transform: (l) => l,
    signal: controller.signal,
  });
  assert.deepEqual(items, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.source, "jamf");
});
