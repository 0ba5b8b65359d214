import assert from "node:assert/strict";
import { hostName, isTrustedHost, trustedHostEntries } from "../../lib/trusted_host.ts";

Deno.test("hostName() drops the port and a final dot and lower-cases, keeping IPv6 brackets", () => {
  assert.equal(hostName("Steth.Example.com:8443"), "steth.example.com");
  assert.equal(hostName(" steth.example.com. "), "steth.example.com");
  assert.equal(hostName("steth.example.com.:80"), "steth.example.com");
  assert.equal(hostName("[::1]:8000"), "[::1]");
  assert.equal(hostName("[::1"), "[::1");
});

Deno.test("trustedHostEntries() normalises entries and keeps the leading dot", () => {
  assert.deepEqual(trustedHostEntries([" Steth.Example.com. ", ".Example.org"]), [
    "steth.example.com",
    ".example.org",
  ]);
});

Deno.test("isTrustedHost() (spec §8.4) matches exact names, and a dotted entry's domain and subdomains", () => {
  const trusted = ["steth.example.com", ".corp.example"];
  assert.equal(isTrustedHost("steth.example.com", trusted), true);
  assert.equal(isTrustedHost("corp.example", trusted), true);
  assert.equal(isTrustedHost("a.b.corp.example", trusted), true);
  assert.equal(isTrustedHost("x.steth.example.com", trusted), false);
  assert.equal(isTrustedHost("evilcorp.example", trusted), false);
  assert.equal(isTrustedHost("corp.example.evil", trusted), false);
  assert.equal(isTrustedHost("steth.example.com", []), false);
});
