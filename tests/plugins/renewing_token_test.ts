import assert from "node:assert/strict";
import { renewingToken } from "../../plugins/renewing_token.ts";

/** A token getter over a scripted exchange, with a clock the test moves. */
function setup(answers: Array<() => Promise<{ token: string; lifetimeMs: number }>>) {
  let t = 1_000_000;
  const signals: AbortSignal[] = [];
  let calls = 0;
  const holder = renewingToken({
    exchange: (signal) => {
      signals.push(signal);
      return answers[calls++]!();
    },
    earlyRefreshMs: 60_000,
    exchangeTimeoutMs: 30_000,
    endpoint: "Test token endpoint",
    now: () => new Date(t),
  });
  return {
    token: holder.token,
    forget: holder.forget,
    signals,
    calls: () => calls,
    advance: (ms: number) => void (t += ms),
  };
}

Deno.test("a token is kept until earlyRefreshMs before it expires, then exchanged again", async () => {
  const s = setup([
    () => Promise.resolve({ token: "t1", lifetimeMs: 120_000 }),
    () => Promise.resolve({ token: "t2", lifetimeMs: 120_000 }),
  ]);
  const signal = new AbortController().signal;
  assert.equal(await s.token(signal), "t1");
  s.advance(59_999);
  assert.equal(await s.token(signal), "t1");
  assert.equal(s.calls(), 1);
  s.advance(1);
  assert.equal(await s.token(signal), "t2");
  assert.equal(s.calls(), 2);
});

Deno.test("concurrent callers share one exchange; one caller's abort fails only that caller", async () => {
  let release!: (v: { token: string; lifetimeMs: number }) => void;
  const s = setup([() => new Promise((r) => release = r)]);
  const quitter = new AbortController();
  const a = s.token(quitter.signal);
  const b = s.token(new AbortController().signal);
  quitter.abort(new Error("gave up"));
  await assert.rejects(a, /gave up/);
  assert.equal(s.signals[0]!.aborted, false);
  release({ token: "shared", lifetimeMs: 3_600_000 });
  assert.equal(await b, "shared");
  assert.equal(s.calls(), 1);
});

Deno.test("a failed exchange is not kept: the next call exchanges again", async () => {
  const s = setup([
    () => Promise.reject(new Error("refused: check the secret")),
    () => Promise.resolve({ token: "t2", lifetimeMs: 3_600_000 }),
  ]);
  const signal = new AbortController().signal;
  await assert.rejects(s.token(signal), /refused: check the secret/);
  assert.equal(await s.token(signal), "t2");
  assert.equal(s.calls(), 2);
});

Deno.test("forget() drops a good token: the next call exchanges again", async () => {
  const s = setup([
    () => Promise.resolve({ token: "t1", lifetimeMs: 3_600_000 }),
    () => Promise.resolve({ token: "t2", lifetimeMs: 3_600_000 }),
  ]);
  const signal = new AbortController().signal;
  assert.equal(await s.token(signal), "t1");
  s.forget();
  assert.equal(await s.token(signal), "t2");
});
