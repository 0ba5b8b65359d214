/**
 * A loopback HTTP server on 127.0.0.1, port 0, for fake upstreams: it records every request and
 * can be switched into a failure mode.
 *
 * @module
 */

import { sleep } from "../../lib/abort.ts";

/** One request the fake received. */
export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. `/users?api_token=x`. */
  path: string;
  url: URL;
  headers: Headers;
  body: string;
}

/** How the fake misbehaves: answers every request with this instead of the handler's answer. */
export type FailureMode =
  | { kind: "status"; status: number; headers?: Record<string, string>; times?: number }
  | { kind: "hang" }
  | { kind: "malformed" }
  | { kind: "slow"; ms: number }
  /** A body of `bytes` bytes, streamed in chunks without a Content-Length unless `declared`. */
  | { kind: "huge"; bytes: number; declared?: boolean };

/** A running fake. */
export interface FakeServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: LoggedRequest[];
  /**
   * Resolves once the fake has received `count` requests in all (at once if it already has), so a
   * test waits for a background caller by counting its calls, never by sleeping.
   */
  received(count: number): Promise<void>;
  /** Switches the fake into a failure mode (`null` = behave). */
  fail(mode: FailureMode | null): void;
  close(): Promise<void>;
}

/** Answers a JSON value. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * Starts a fake upstream.
 *
 * @param handler answers requests when no failure mode is set
 * @returns the running server
 */
export function startFake(
  handler: (req: LoggedRequest) => Response | Promise<Response>,
): FakeServer {
  const requests: LoggedRequest[] = [];
  let mode: FailureMode | null = null;
  const hanging = new Set<() => void>();
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const logged = {
      method: req.method,
      path: url.pathname + url.search,
      url,
      headers: req.headers,
      body: await req.text(),
    };
    requests.push(logged);
    for (const w of waiting.filter((w) => requests.length >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    const m = mode;
    if (m === null) return handler(logged);
    switch (m.kind) {
      case "status": {
        if (m.times !== undefined && --m.times <= 0) mode = null;
        return new Response(JSON.stringify({ error: `status ${m.status}` }), {
          status: m.status,
          headers: { "Content-Type": "application/json", ...m.headers },
        });
      }
      case "malformed":
        return new Response("{not json", { headers: { "Content-Type": "application/json" } });
      case "huge":
        return new Response(m.declared ? "x".repeat(m.bytes) : chunks(m.bytes), {
          headers: { "Content-Type": "application/json" },
        });
      case "slow":
        await sleep(m.ms);
        return handler(logged);
      case "hang":
        // Never answers until the fake closes.
        return await new Promise<Response>((resolve) => {
          const done = () => {
            hanging.delete(done);
            resolve(new Response(null, { status: 504 }));
          };
          hanging.add(done);
        });
    }
  });
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    received: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    fail: (m) => {
      mode = m;
    },
    close: async () => {
      for (const done of [...hanging]) done();
      await server.shutdown();
    },
  };
}

function chunks(total: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}
