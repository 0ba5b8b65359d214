import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import bitfit, { parseReleaseDate } from "../../plugins/sources/bitfit.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import { BITFIT_TOKEN, bitfitFixture, type FakeBitfit, startFakeBitfit } from "../fakes/bitfit.ts";

const EMAIL = "fry@planetexpress.com";
const PHOTO = "https://app.bitfit.com/api/attachments/12345/download?scale=tiny";
const signal = () => new AbortController().signal;

async function setup(
  overrides: Record<string, unknown> = {},
  timeoutMs = 5000,
): Promise<{ fake: FakeBitfit; plugin: PluginInstance }> {
  const fake = await startFakeBitfit();
  const config = bitfit.schema.parse({
    BITFIT_API_TOKEN: BITFIT_TOKEN,
    BITFIT_BASE_URL: fake.baseUrl,
    ...overrides,
  });
  const plugin = await bitfit.create(config, {
    name: "bitfit",
    timeoutMs,
    log: silentLogger,
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  });
  return { fake, plugin };
}

Deno.test("bitfit ownedDevicesByEmail() maps every fixture field by field (spec §3.4)", async () => {
  const { fake, plugin } = await setup();
  try {
    fake.userAssets.push("57001");
    const devices = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    const expected: DeviceRecord[] = [
      {
        source: "bitfit",
        name: "lgml-pfry",
        model: "15-inch Retina MacBook Pro (Late 2013)",
        serial: "DECAFBAD00",
        photo_url: PHOTO,
        type: "Laptop",
        status: "Active",
        hw_release_date: new Date("2013-10-22T00:00:00Z"),
        identifiers: {
          serial: "DECAFBAD00",
          mac_addresses: ["00:DE:CA:FB:AD:01", "00:DE:CA:FB:AD:00"],
          udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
        },
      },
      {
        source: "bitfit",
        name: "lgmd-pfry",
        model: "MacPro (Late 2013)",
        serial: "DECAFBAD01",
        photo_url: PHOTO,
        type: "Workstation",
        status: "Active",
        hw_release_date: new Date("2013-10-22T00:00:00Z"),
        identifiers: {
          serial: "DECAFBAD01",
          mac_addresses: ["00:DE:CA:FB:AD:02", "00:DE:CA:FB:AD:03"],
          udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000001",
        },
      },
      {
        source: "bitfit",
        name: "Fry’s MacBook Pro",
        model: "15-inch Retina MacBook Pro (Mid 2015)",
        serial: "DECAFBAD02",
        photo_url: PHOTO,
        type: "Laptop",
        status: "Active",
        identifiers: {
          serial: "DECAFBAD02",
          mac_addresses: ["00:DE:CA:FB:AD:04", "00:DE:CA:FB:AD:05"],
          udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000002",
        },
      },
    ];
    assert.deepEqual(devices, expected);
  } finally {
    await fake.close();
  }
});

Deno.test("bitfit sends api_token and Accept on every request, to the configured base URL", async () => {
  const { fake, plugin } = await setup();
  try {
    await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(fake.requests.map((r) => r.url.pathname).sort(), [
      "/api/assets/55416",
      "/api/assets/56196",
      "/api/users",
      "/api/users/12345/assets",
    ]);
    assert.equal(fake.requests[0]!.url.searchParams.get("search"), EMAIL);
    for (const r of fake.requests) {
      assert.equal(r.url.searchParams.get("api_token"), BITFIT_TOKEN);
      assert.equal(r.headers.get("accept"), "application/json");
    }
  } finally {
    await fake.close();
  }
});

Deno.test("bitfit photo: an item-level image_url wins, else the photo id (decision 20)", async () => {
  const { fake, plugin } = await setup();
  try {
    const raw = await bitfitFixture("asset_response_frys-laptop");
    const item = raw.item as Record<string, unknown>;
    item.photo_id = 777;
    item.fields = [];
    fake.assets.set("60000", structuredClone(raw));
    item.image_url = "https://images.example/fry.png";
    fake.assets.set("60001", raw);
    fake.userAssets.splice(0, 2, "60000", "60001");
    const devices = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(devices.map((d) => d.photo_url), [
      "https://app.bitfit.com/api/attachments/777/download?scale=tiny",
      "https://images.example/fry.png",
    ]);
    // No mac_address fields: no MACs, and no crash (spec §15.20).
    assert.equal(devices[0]!.identifiers?.mac_addresses, undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("bitfit drops a 404 or malformed asset and keeps the rest", async () => {
  const { fake, plugin } = await setup();
  try {
    fake.assets.set("66", { item: { name: "no model" } });
    fake.userAssets.push("404", "66");
    const devices = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(devices.map((d) => d.serial), ["DECAFBAD00", "DECAFBAD01"]);
  } finally {
    await fake.close();
  }
});

Deno.test("bitfit unknown user is NotFoundError with the original message", async () => {
  const { fake, plugin } = await setup();
  try {
    await assert.rejects(
      plugin.ownedDevicesByEmail!("leela@planetexpress.com", { signal: signal() }),
      {
        name: "NotFoundError",
        message: "bitFit: user ('leela@planetexpress.com') not found",
      },
    );
    // A search hit that is not an exact match does not count.
    await assert.rejects(
      plugin.ownedDevicesByEmail!("ry@planetexpress.com", { signal: signal() }),
      NotFoundError,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("bitfit failures: wrong token, 500 retried, garbage JSON, hang", async (t) => {
  const wrong = await setup({ BITFIT_API_TOKEN: "wrong-token" });
  const { fake, plugin } = await setup();
  const short = await setup({}, 300);
  try {
    await t.step("wrong token: authentication failure, token not in the message", async () => {
      const error = await wrong.plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() }).catch((
        e,
      ) => e);
      assert.match(error.message, /authentication failed \(HTTP 401\)/);
      assert.ok(!error.message.includes("wrong-token"), error.message);
      await assert.rejects(wrong.plugin.checkConnectivity!({ signal: signal() }), {
        message: "bitFit authentication failure; check BITFIT_API_TOKEN",
      });
    });
    await t.step("500 retried 3 times, then reported with status", async () => {
      fake.fail({ kind: "status", status: 502 });
      const error = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() }).catch((e) => e);
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 502);
      assert.equal(fake.requests.length, 4);
      assert.ok(!error.message.includes(BITFIT_TOKEN));
      await assert.rejects(plugin.checkConnectivity!({ signal: signal() }), {
        message: `bitFit: received invalid response code (502) for ${
          new URL(fake.baseUrl).host
        } (GET /api/users?api_token=REDACTED&search=stethoscope-connectivity)`,
      });
    });
    await t.step("garbage JSON", async () => {
      fake.fail({ kind: "malformed" });
      await assert.rejects(
        plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() }),
        /bitFit: GET \/api\/users\?api_token=REDACTED&search=fry%40planetexpress.com answered malformed JSON/,
      );
    });
    await t.step("hang: fails at the plugin timeout", async () => {
      short.fake.fail({ kind: "hang" });
      await assert.rejects(
        short.plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() }),
        /within 0.3 s/,
      );
    });
    await t.step("connectivity ok", async () => {
      fake.fail(null);
      await plugin.checkConnectivity!({ signal: signal() });
    });
  } finally {
    await Promise.all([wrong.fake.close(), fake.close(), short.fake.close()]);
  }
});

Deno.test("bitfit keeps _raw only with DEBUG", async () => {
  const { fake, plugin } = await setup({ DEBUG: true });
  try {
    const [d] = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(d?._raw, await bitfitFixture("asset_response_lgml-pfry"));
  } finally {
    await fake.close();
  }
});

Deno.test("parseReleaseDate() reads M/D/YYYY and rejects impossible dates", () => {
  assert.equal(parseReleaseDate("10/22/2013")?.toISOString(), "2013-10-22T00:00:00.000Z");
  assert.equal(parseReleaseDate("2/30/2013"), null);
  assert.equal(parseReleaseDate("2013-10-22"), null);
  assert.equal(parseReleaseDate(null), null);
});

Deno.test("bitfit waits out a 429 (Retry-After: 0) and answers, through the shared HTTP client", async () => {
  const { fake, plugin } = await setup();
  try {
    fake.userAssets.push("57001");
    const before = fake.requests.length;
    fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "0" }, times: 1 });
    const devices = await plugin.ownedDevicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(devices.map((d) => d.serial), ["DECAFBAD00", "DECAFBAD01", "DECAFBAD02"]);
    const asked = fake.requests.slice(before).map((r) => r.url.pathname);
    assert.equal(asked[0], asked[1], "the throttled request was asked again");
  } finally {
    await plugin.close?.();
    await fake.close();
  }
});
