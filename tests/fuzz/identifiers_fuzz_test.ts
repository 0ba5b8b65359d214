/**
 * Property-based fuzzing of MAC, serial, email and version parsing: total on every string, long
 * adversarial ones included, and consistent (canonical forms are fixed points, comparison is an order).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  canonicalMac,
  isUniqueMac,
  isValidEmail,
  isValidMac,
  isValidSerial,
  macsFrom,
} from "../../engine/identity/identifiers.ts";
import { compareVersions, isOlder, parseVersion } from "../../engine/releases/versions.ts";
import { parseJamfDate } from "../../plugins/sources/jamf_parse.ts";
import { parseReleaseDate } from "../../plugins/sources/bitfit.ts";
import { normalizeVersion, parseOsInformation } from "../../plugins/sources/google/parse.ts";
import { MalformedDeviceError } from "../../plugins/sources/google/parse.ts";
import { anyJson, params } from "./arbitraries.ts";

/** Any string, including lone surrogates and control characters. */
const anyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF:-. @"[]\\+vV!rcdevpost_'),
    maxLength: 60,
  }),
);

/** Long strings made of repeated fragments, the classic shape of catastrophic backtracking. */
const adversarial = fc.tuple(
  fc.constantFrom(
    "0",
    "0.",
    "00:",
    "0-",
    "a",
    "a.",
    "a@",
    '"',
    "\\",
    "1a",
    ".dev",
    "-1",
    "0+a.",
    "[",
    "x-",
  ),
  fc.integer({ min: 1_000, max: 20_000 }),
  fc.constantFrom("", "!", "@", "@@", ":", "\u0000", " x"),
).map(([frag, n, tail]) => frag.repeat(n) + tail);

const hexPair = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
const mac = fc.tuple(
  fc.constantFrom(6, 7, 8),
  fc.constantFrom(":", "-", ""),
  fc.boolean(),
).chain(([n, sep, upper]) =>
  fc.array(hexPair, { minLength: n, maxLength: n }).map((pairs) => ({
    text: (upper ? pairs.map((p) => p.toUpperCase()) : pairs).join(sep),
    canonical: pairs.join(":").toUpperCase(),
  }))
);

const version = fc.tuple(
  fc.array(fc.nat(30), { minLength: 1, maxLength: 5 }),
  fc.option(fc.tuple(fc.constantFrom("a", "b", "rc", "alpha", "beta", "c", "pre"), fc.nat(5))),
  fc.option(fc.nat(5)),
  fc.option(fc.nat(5)),
  fc.option(fc.constantFrom("ubuntu.1", "abc", "2", "a.1")),
).map(([release, pre, post, dev, local]) =>
  release.join(".") + (pre ? `${pre[0]}${pre[1]}` : "") + (post !== null ? `.post${post}` : "") +
  (dev !== null ? `.dev${dev}` : "") + (local ? `+${local}` : "")
);

Deno.test("isValidMac(), isValidEmail(), isValidSerial() and isUniqueMac() never throw", () => {
  fc.assert(
    fc.property(anyString, (s) => {
      isValidMac(s);
      isValidEmail(s);
      isValidSerial(s);
      isUniqueMac(s);
    }),
    params(500),
  );
});

// No time limit: a limit measures how busy the machine is as much as the code. Catastrophic
// backtracking on these strings (up to 40,000 characters) does not finish at all.
Deno.test("identifier and version parsers answer long adversarial strings without throwing", () => {
  fc.assert(
    fc.property(adversarial, (s) => {
      isValidMac(s);
      isValidEmail(s);
      isValidSerial(s);
      parseVersion(s);
      compareVersions(s, "1.0");
      parseJamfDate(s);
      parseReleaseDate(s);
      normalizeVersion(s);
    }),
    params(200),
  );
});

Deno.test("canonicalMac() throws TypeError exactly for invalid MACs; its result is a fixed point", () => {
  fc.assert(
    fc.property(fc.oneof(anyString, mac.map((m) => m.text)), (s) => {
      if (!isValidMac(s)) {
        assert.throws(() => canonicalMac(s), TypeError);
        return;
      }
      const c = canonicalMac(s);
      assert.ok(isValidMac(c));
      assert.equal(canonicalMac(c), c);
      assert.match(c, /^[0-9A-F]{2}(:[0-9A-F]{2}){5,7}$/);
    }),
    params(500),
  );
});

Deno.test("canonicalMac() accepts every 48/56/64-bit MAC with `:`, `-` or no separator", () => {
  fc.assert(
    fc.property(mac, (m) => {
      assert.equal(canonicalMac(m.text), m.canonical);
    }),
    params(300),
  );
});

Deno.test("macsFrom() never throws and returns distinct canonical unique MACs", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(anyJson, anyString, mac.map((m) => m.text)), { maxLength: 8 }),
      (vs) => {
        const out = macsFrom(vs);
        assert.equal(new Set(out).size, out.length);
        for (const m of out) {
          assert.equal(canonicalMac(m), m);
          assert.ok(isUniqueMac(m));
        }
      },
    ),
    params(400),
  );
});

Deno.test("isValidEmail() accepts RFC addresses up to 254 characters", () => {
  fc.assert(
    fc.property(fc.emailAddress(), (e) => {
      if (e.length <= 254) assert.ok(isValidEmail(e), e);
    }),
    params(300),
  );
});

Deno.test("compareVersions() is a total order on any strings and agrees with isOlder()", () => {
  const v = fc.oneof(version, anyString);
  fc.assert(
    fc.property(v, v, v, (a, b, c) => {
      const ab = compareVersions(a, b);
      assert.equal(compareVersions(a, a), 0);
      assert.equal(compareVersions(b, a), ab === 0 ? 0 : -ab);
      assert.equal(isOlder(a, b), ab < 0);
      // transitivity: sorting with it yields a list that is pairwise ordered
      const sorted = [a, b, c].sort(compareVersions);
      assert.ok(compareVersions(sorted[0]!, sorted[1]!) <= 0);
      assert.ok(compareVersions(sorted[1]!, sorted[2]!) <= 0);
      assert.ok(compareVersions(sorted[0]!, sorted[2]!) <= 0);
    }),
    params(500),
  );
});

Deno.test("parseVersion() treats missing release parts as zero", () => {
  fc.assert(
    fc.property(version, fc.integer({ min: 1, max: 3 }), (v, zeros) => {
      const m = /^(\d+(?:\.\d+)*)(.*)$/.exec(v)!;
      const padded = m[1] + ".0".repeat(zeros) + m[2];
      assert.ok(parseVersion(v) !== null, v);
      assert.equal(compareVersions(v, padded), 0);
    }),
    params(300),
  );
});

Deno.test("google parseOsInformation() throws only MalformedDeviceError; normalizeVersion() is idempotent", () => {
  fc.assert(
    fc.property(anyString, fc.oneof(version, anyString), (name, v) => {
      try {
        const os = parseOsInformation(`${name} ${v}`);
        // An OS version the parser cannot read is kept as reported (issue 11): only a normalised
        // one must come back unchanged.
        const normalised = os.os_version === undefined
          ? undefined
          : normalizeVersion(os.os_version);
        if (normalised !== undefined) assert.equal(normalised, os.os_version);
      } catch (error: unknown) {
        if (!(error instanceof MalformedDeviceError)) throw error;
      }
      const n = normalizeVersion(v);
      if (n !== undefined) assert.equal(normalizeVersion(n), n);
    }),
    params(400),
  );
});

Deno.test("parseJamfDate() and parseReleaseDate() return null or a valid date for any value", () => {
  fc.assert(
    fc.property(fc.oneof(anyJson, anyString), (v) => {
      for (const d of [parseJamfDate(v), parseReleaseDate(v)]) {
        assert.ok(d === null || !Number.isNaN(d.getTime()));
      }
    }),
    params(400),
  );
});
