/**
 * Over 300 lines: Duo's signing (worked example, canonical request, dates) and the poller that
 * depends on it (paging, 429, pruning, auth failure), sharing the fake Admin API and deps().
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { createHttpClient } from "../../plugins/http.ts";
import duo, { AUTH_LOG_PATH, type PollDeps, pollOnce } from "../../plugins/sources/duo.ts";
import {
  canonicalRequest,
  rfc2822,
  signDuoRequest,
  toEvent,
} from "../../plugins/sources/duo_api.ts";
import { authLog, DUO_HOST, DUO_IKEY, DUO_SKEY, type FakeDuo, startFakeDuo } from "../fakes/duo.ts";

const NOW = new Date("2024-06-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const DAY = 86_400_000;

/** The event and lease methods of a Store, in memory; the rest is not needed here. */
class MemoryEvents {
  events = new Map<string, AccessEvent>();
  leases = new Map<string, { holder: string; until: Date }>();
  takeLease(name: string, holder: string, o: { until: Date; now: Date }): Promise<boolean> {
    const held = this.leases.get(name);
    if (held && held.holder !== holder && held.until > o.now) return Promise.resolve(false);
    this.leases.set(name, { holder, until: o.until });
    return Promise.resolve(true);
  }
  releaseLease(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
    return Promise.resolve();
  }
  prunedBefore: Date[] = [];
  putEvents(_source: string, events: AccessEvent[]): Promise<void> {
    for (const e of events) this.events.set(e.id ?? crypto.randomUUID(), e);
    return Promise.resolve();
  }
  eventsFor(_source: string, username: string, since: Date): Promise<AccessEvent[]> {
    return Promise.resolve(
      [...this.events.values()]
        .filter((e) => e.username === username && e.timestamp >= since)
        .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime()),
    );
  }
  latestEventTime(): Promise<Date | null> {
    const times = [...this.events.values()].map((e) => e.timestamp.getTime());
    return Promise.resolve(times.length === 0 ? null : new Date(Math.max(...times)));
  }
  pruneEvents(before: Date): Promise<number> {
    this.prunedBefore.push(before);
    let n = 0;
    for (const [k, e] of this.events) if (e.timestamp < before && this.events.delete(k)) n++;
    return Promise.resolve(n);
  }
  /** A store of this event cache and these leases (its other concerns are missing). */
  asStore(): Store {
    return { events: this, coordination: this } as unknown as Store;
  }
}

function deps(fake: FakeDuo, store: MemoryEvents, now = () => NOW, skey = DUO_SKEY): PollDeps {
  return {
    client: createHttpClient({
      name: "Duo",
      baseUrl: fake.url,
      timeoutMs: 5000,
      retries: 0,
      rateLimitRetries: 0, // as the plugin builds it: the poller waits out a 429
    }),
    sign: (params) =>
      signDuoRequest({
        method: "GET",
        host: DUO_HOST,
        path: AUTH_LOG_PATH,
        params,
        date: rfc2822(now()),
        ikey: DUO_IKEY,
        skey,
      }),
    store: store.asStore(),
    source: "duo",
    now,
    log: silentLogger,
    pollMs: 1000,
    retentionMs: 14 * DAY,
    debug: false,
  };
}

const signal = () => new AbortController().signal;

Deno.test("signDuoRequest() reproduces Duo's documented worked example", async () => {
  const req = {
    method: "POST",
    host: "api-xxxxxxxx.duosecurity.com",
    path: "/accounts/v1/account/list",
    params: { username: "root", realname: "First Last" },
    date: "Tue, 21 Aug 2012 17:29:18 -0000",
    ikey: "DIWJ8X6AEYOR5OMC6TQ1",
    skey: "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep",
  };
  assert.equal(
    canonicalRequest(req),
    "Tue, 21 Aug 2012 17:29:18 -0000\nPOST\napi-xxxxxxxx.duosecurity.com\n" +
      "/accounts/v1/account/list\nrealname=First%20Last&username=root",
  );
  assert.deepEqual(await signDuoRequest(req), {
    Date: "Tue, 21 Aug 2012 17:29:18 -0000",
    Authorization:
      "Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6MmQ5N2Q2MTY2MzE5NzgxYjVhM2EwN2FmMzlkMzY2ZjQ5MTIzNGVkYw==",
  });
});

Deno.test("canonicalRequest() lower-cases the host and encodes per RFC 3986", () => {
  const canon = canonicalRequest({
    method: "get",
    host: "API-X.DuoSecurity.com",
    path: "/admin/v2/logs/authentication",
    params: { b: "it's (a*b)!", a: "x~y_z.-", next_offset: "1,ab" },
    date: "D",
  });
  assert.equal(
    canon,
    "D\nGET\napi-x.duosecurity.com\n/admin/v2/logs/authentication\n" +
      "a=x~y_z.-&b=it%27s%20%28a%2Ab%29%21&next_offset=1%2Cab",
  );
});

Deno.test("rfc2822() formats UTC dates like Duo's clients", () => {
  assert.equal(rfc2822(new Date("2012-08-21T17:29:18Z")), "Tue, 21 Aug 2012 17:29:18 -0000");
  assert.equal(rfc2822(new Date("2024-01-05T03:04:05Z")), "Fri, 05 Jan 2024 03:04:05 -0000");
});

Deno.test("toEvent() maps a v2 log entry to an event with plain-text content", () => {
  const event = toEvent(authLog(minutesAgo(10), { txid: "tx-1", user: "Fry@PlanetExpress.com" }), {
    debug: false,
  });
  assert.deepEqual(event, {
    source: "duo",
    id: "tx-1",
    type: "duo_push",
    success: true,
    reason: "user_approved",
    ip_address: "192.0.2.10",
    timestamp: new Date("2024-06-01T11:50:00Z"),
    username: "fry@planetexpress.com", // the whole address, lower-cased
    place: "New New York, New York, United States",
    content: [
      "Duo Authentication: 2024-06-01T11:50:00.000Z",
      "IP: 192.0.2.10",
      "Location: New New York, New York, United States",
      "Event Type: authentication",
      "Device: Fry's iPhone",
      "Factor: duo_push",
      "Integration: Planet Express VPN",
      "Result: success",
      "Reason: user_approved",
    ].join("\n"),
  });
  const denied = toEvent(authLog(minutesAgo(10), { result: "denied" }), { debug: false });
  assert.equal(denied?.success, false);
  assert.equal(denied?.reason, "user_marked_fraud");
  assert.equal(toEvent({ timestamp: "soon" }, { debug: false }), null);
});

Deno.test("pollOnce() pages with next_offset and stores every entry, signed", async () => {
  const fake = startFakeDuo();
  const store = new MemoryEvents();
  try {
    fake.pageSize = 2;
    for (let i = 0; i < 5; i++) fake.logs.push(authLog(minutesAgo(60 - i), { txid: `tx-${i}` }));
    fake.logs.push(authLog(minutesAgo(1), { txid: "too-fresh" })); // inside Duo's 2-minute delay
    fake.logs.push(authLog(minutesAgo(13 * 60), { txid: "too-old" })); // before the first lookback
    const result = await pollOnce(deps(fake, store), { failures: 0 }, signal());
    assert.equal(result.error, null);
    assert.equal(result.stored, 5);
    assert.equal(result.pages, 3);
    assert.equal(result.nextDelayMs, 1000);
    assert.deepEqual([...store.events.keys()].sort(), ["tx-0", "tx-1", "tx-2", "tx-3", "tx-4"]);
    const first = fake.requests[0]!.url.searchParams;
    assert.equal(first.get("mintime"), String(NOW.getTime() - 12 * 3600_000));
    assert.equal(first.get("maxtime"), String(NOW.getTime() - 120_000));
    assert.equal(first.get("limit"), "1000");
    assert.equal(first.get("next_offset"), null);
    assert.equal(
      fake.requests[1]!.url.searchParams.get("next_offset"),
      `${minutesAgo(59).getTime()},tx-1`,
    );
    assert.equal(fake.requests[0]!.headers.get("date"), "Sat, 01 Jun 2024 12:00:00 -0000");

    // The next poll starts just after the newest stored event.
    fake.requests.length = 0;
    const later = new Date(NOW.getTime() + 60_000);
    const again = await pollOnce(deps(fake, store, () => later), { failures: 0 }, signal());
    assert.equal(again.stored, 1); // "too-fresh" is now old enough
    assert.equal(
      fake.requests[0]!.url.searchParams.get("mintime"),
      String(minutesAgo(56).getTime() + 1),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("pollOnce() backs off on 429, honouring Retry-After, and resets after success", async () => {
  const fake = startFakeDuo();
  const store = new MemoryEvents();
  const state = { failures: 0 };
  try {
    fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "3" } });
    const a = await pollOnce(deps(fake, store), state, signal());
    assert.equal(a.error?.name, "RateLimitError");
    assert.equal(a.nextDelayMs, 3000); // Retry-After beats the 2 s back-off
    fake.fail({ kind: "status", status: 429 });
    const b = await pollOnce(deps(fake, store), state, signal());
    assert.equal(b.nextDelayMs, 4000); // no Retry-After: 1 s × 2²
    const c = await pollOnce(deps(fake, store), state, signal());
    assert.equal(c.nextDelayMs, 8000);
    assert.equal(fake.requests.length, 3); // never retried inside a poll
    fake.fail(null);
    const d = await pollOnce(deps(fake, store), state, signal());
    assert.equal(d.error, null);
    assert.equal(d.nextDelayMs, 1000);
    assert.equal(state.failures, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("pollOnce() prunes events older than the retention, even when Duo fails", async () => {
  const fake = startFakeDuo();
  const store = new MemoryEvents();
  try {
    const old = toEvent(authLog(new Date(NOW.getTime() - 15 * DAY), { txid: "old" }), {
      debug: false,
    })!;
    const recent = toEvent(authLog(new Date(NOW.getTime() - 13 * DAY), { txid: "recent" }), {
      debug: false,
    })!;
    await store.putEvents("duo", [old, recent]);
    fake.fail({ kind: "status", status: 500 });
    await pollOnce(deps(fake, store), { failures: 0 }, signal());
    assert.deepEqual(store.prunedBefore, [new Date(NOW.getTime() - 14 * DAY)]);
    assert.deepEqual([...store.events.keys()], ["recent"]);
  } finally {
    await fake.close();
  }
});

Deno.test("pollOnce() reports a wrong secret as an authentication failure", async () => {
  const fake = startFakeDuo();
  try {
    const result = await pollOnce(deps(fake, new MemoryEvents(), () => NOW, "wrong"), {
      failures: 0,
    }, signal());
    assert.equal(result.error?.name, "AuthError");
    assert.ok(!result.error?.message.includes("wrong"));
  } finally {
    await fake.close();
  }
});

Deno.test("duo plugin polls in the background, serves events from the store, stops on close", async () => {
  const fake = startFakeDuo();
  const store = new MemoryEvents();
  fake.logs.push(
    authLog(minutesAgo(30), { txid: "a", user: "fry" }),
    authLog(minutesAgo(20), { txid: "b", user: "leela" }),
    authLog(minutesAgo(10), { txid: "c", user: "fry", result: "denied" }),
    authLog(minutesAgo(15), { txid: "d", user: "Fry@PlanetExpress.com" }),
    authLog(minutesAgo(12), { txid: "e", user: "fry@momcorp.example" }), // another Fry
  );
  const config = duo.schema.parse({
    DUO_INTEGRATION_KEY: DUO_IKEY,
    DUO_SECRET_KEY: DUO_SKEY,
    DUO_API_HOSTNAME: DUO_HOST,
    DUO_API_URL: fake.url,
    POLL_SECONDS: 0.05,
  });
  const plugin = await duo.create(config, {
    name: "duo",
    timeoutMs: null, // the held poll below waits 30 s (the client default), not 2 s
    log: silentLogger,
    store: store.asStore(),
    now: () => NOW,
    demo: false,
  });
  try {
    await plugin.checkConnectivity!({ signal: signal() });
    // The first poll read the entries; later polls, 50 ms apart, find nothing new.
    await fake.received(3);
    // Hold the poller: its next request never gets an answer until the poller closes. From then on
    // any request the fake receives was made by the read.
    fake.fail({ kind: "hang" });
    const held = fake.requests.length + 1;
    await fake.received(held);
    const events = await plugin.eventsByEmail!("fry@planetexpress.com", { signal: signal() });
    assert.deepEqual(events.map((e) => [e.id, e.success]), [
      ["c", false],
      ["d", true],
      ["a", true],
    ]);
    assert.equal(fake.requests.length, held, "reading asked Duo");
  } finally {
    // Closing aborts the held request and clears the poll timer (a timer left behind fails this
    // test: Deno's op sanitizer reports it).
    await plugin.close!();
  }
  const after = fake.requests.length;
  fake.fail(null);
  await fake.close();
  assert.equal(fake.requests.length, after, "polled after close");
});

Deno.test("duo checkConnectivity() explains an authentication failure", async () => {
  const fake = startFakeDuo();
  const config = duo.schema.parse({
    DUO_INTEGRATION_KEY: DUO_IKEY,
    DUO_SECRET_KEY: "not-the-secret",
    DUO_API_HOSTNAME: DUO_HOST,
    DUO_API_URL: fake.url,
  });
  const plugin = await duo.create(config, {
    name: "duo",
    timeoutMs: 2000,
    log: silentLogger,
    store: new MemoryEvents().asStore(),
    now: () => new Date(),
    demo: false,
  });
  try {
    await assert.rejects(plugin.checkConnectivity!({ signal: signal() }), {
      message: "Duo authentication failure; check DUO_INTEGRATION_KEY and DUO_SECRET_KEY",
    });
  } finally {
    await plugin.close!();
    await fake.close();
  }
});

Deno.test("duo schema keeps the original key names and defaults", () => {
  const parsed = duo.schema.parse({
    DUO_INTEGRATION_KEY: "i",
    DUO_SECRET_KEY: "s",
    DUO_API_HOSTNAME: "api-x.duosecurity.com",
  });
  assert.deepEqual(parsed, {
    DUO_INTEGRATION_KEY: "i",
    DUO_SECRET_KEY: "s",
    DUO_API_HOSTNAME: "api-x.duosecurity.com",
    POLL_SECONDS: 60,
    RETENTION_DAYS: 14,
    DEBUG: false,
  });
  assert.equal(
    duo.schema.safeParse({ ...parsed, DUO_API_HOSTNAME: "https://api-x.duosecurity.com" }).success,
    false,
  );
});
