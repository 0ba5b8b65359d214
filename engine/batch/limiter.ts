/**
 * Bounded concurrency for a batch run: a counting semaphore, and the engine parts with every
 * source behind one, so a run never floods one upstream. Changes when the way calls are queued
 * changes.
 *
 * @module
 */
import type { EngineParts } from "../engine.ts";
import type { CallOptions, DeviceSource, OwnershipSource } from "../core/ports.ts";

/** A counting semaphore; a waiter whose signal aborts leaves the queue. */
export interface Limiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

/**
 * A limiter allowing `max` calls at a time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const limit = createLimiter(1);
 * const order: string[] = [];
 * const slow = limit.run(async () => void order.push("first"));
 * const next = limit.run(async () => void order.push("second"));
 * await Promise.all([slow, next]);
 * assert.deepEqual(order, ["first", "second"]);
 * assert.equal(await limit.run(() => Promise.resolve(42)), 42);
 * ```
 */
export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  async function acquire(signal?: AbortSignal): Promise<void> {
    if (active < max) {
      active++;
      return;
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        active++;
        resolve();
      };
      const onAbort = () => {
        const i = queue.indexOf(go);
        if (i !== -1) queue.splice(i, 1);
        reject(signal?.reason);
      };
      queue.push(go);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  return {
    async run(fn, signal) {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * The engine parts with every device and ownership source behind a limiter of `perSource`
 * concurrent calls (one limiter per source name), so a run never floods one upstream.
 */
export function limitSources(parts: EngineParts, perSource: number): EngineParts {
  const limiters = new Map<string, Limiter>();
  const limiterOf = (name: string) => {
    let l = limiters.get(name);
    if (!l) limiters.set(name, l = createLimiter(perSource));
    return l;
  };
  type Call<T> = (value: string, o: CallOptions) => Promise<T>;
  const wrap = <T>(name: string, fn: Call<T> | undefined, self: object): Call<T> | undefined =>
    fn && ((value, o) => limiterOf(name).run(() => fn.call(self, value, o), o.signal));
  const deviceSources = parts.deviceSources.map((s): DeviceSource => {
    const out: DeviceSource = { name: s.name, timeoutMs: s.timeoutMs };
    const byEmail = wrap(s.name, s.devicesByEmail, s);
    const bySerial = wrap(s.name, s.devicesBySerial, s);
    const byMac = wrap(s.name, s.devicesByMac, s);
    if (byEmail) out.devicesByEmail = byEmail;
    if (bySerial) out.devicesBySerial = bySerial;
    if (byMac) out.devicesByMac = byMac;
    return out;
  });
  const ownershipSources = parts.ownershipSources.map((s): OwnershipSource => ({
    name: s.name,
    timeoutMs: s.timeoutMs,
    ownedDevicesByEmail: wrap(s.name, s.ownedDevicesByEmail, s)!,
  }));
  return { ...parts, deviceSources, ownershipSources };
}
