/**
 * HTTP/1.1 on a raw loopback socket (wire-level fuzzing in `tests/fuzz/http_fuzz_test.ts`): bodies
 * with any framing (a `Content-Length` that lies, chunks of any size, a body that stops early),
 * which `fetch` and `app.request()` cannot send.
 *
 * @module
 */
import fc from "fast-check";

/** A request as bytes on the wire. */
export interface WirePlan {
  path: string;
  /** `length`: `Content-Length: declared`; `chunked`: `Transfer-Encoding: chunked`. */
  framing: "length" | "chunked";
  /** The `Content-Length` announced (ignored for chunked). */
  declared: number;
  /** Sizes of the body pieces actually sent (chunk sizes when chunked). */
  pieces: number[];
  /** Whether the last chunk (`0\r\n\r\n`) is sent (chunked only). */
  finished: boolean;
  /** Whether the client stops sending (half-closes) after the pieces. */
  closeEarly: boolean;
}

/** Paths that read a body, and one that does not exist. */
export const BODY_PATHS = [
  "/login/demo",
  "/notifications/n1/feedback",
  "/notifications/n1/dismiss",
  "/api/v1/feedback/restful_feedback",
  "/auth/oidc/callback",
  "/logout",
  "/no/such/page",
];

/** Wire plans: mostly small, some far over any sane limit; bounded to ~256 KiB actually sent. */
export const wirePlan: fc.Arbitrary<WirePlan> = fc.record({
  path: fc.constantFrom(...BODY_PATHS),
  framing: fc.constantFrom("length", "chunked"),
  declared: fc.oneof(
    fc.integer({ min: 0, max: 4096 }),
    fc.integer({ min: 30_000, max: 70_000 }),
    fc.constantFrom(1_000_000, 100 * 1024 * 1024, 2 ** 40),
  ),
  pieces: fc.array(
    fc.oneof(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 8_000, max: 64 * 1024 })),
    { maxLength: 4 },
  ),
  finished: fc.boolean(),
  closeEarly: fc.boolean(),
});

/** How many body bytes a plan sends. */
export function sentBytes(plan: WirePlan): number {
  const sum = plan.pieces.reduce((a, b) => a + b, 0);
  return plan.framing === "length" ? Math.min(sum, plan.declared) : sum;
}

const encoder = new TextEncoder();

/**
 * Sends `plan` with the given extra header lines and returns the status of the answer, or `null`
 * when the server closed the connection without one. Writes run beside the read, so a server
 * that answers before reading everything never blocks the client.
 */
export async function sendWire(
  port: number,
  plan: WirePlan,
  headers: string[],
): Promise<number | null> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const framing = plan.framing === "length"
    ? `Content-Length: ${plan.declared}`
    : "Transfer-Encoding: chunked";
  const head = [`POST ${plan.path} HTTP/1.1`, "Host: localhost", ...headers, framing, "", ""];
  const writing = (async () => {
    await conn.write(encoder.encode(head.join("\r\n")));
    let left = plan.framing === "length" ? plan.declared : Infinity;
    for (const size of plan.pieces) {
      const n = Math.min(size, left);
      if (n <= 0) break;
      left -= n;
      const data = new Uint8Array(n).fill(0x61); // "a…": a form field name, invalid JSON
      const frame = plan.framing === "chunked"
        ? [encoder.encode(`${n.toString(16)}\r\n`), data, encoder.encode("\r\n")]
        : [data];
      for (const part of frame) await conn.write(part);
    }
    if (plan.framing === "chunked" && plan.finished) await conn.write(encoder.encode("0\r\n\r\n"));
    if (plan.closeEarly) await conn.closeWrite();
  })().catch(() => {/* the server closed or reset the connection: its answer decides */});
  try {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf).catch(() => null);
    if (n === null) return null;
    const status = /^HTTP\/1\.1 (\d{3})/.exec(new TextDecoder().decode(buf.subarray(0, n)));
    return status ? Number(status[1]) : null;
  } finally {
    conn.close();
    await writing;
  }
}

/** Whether the server can answer without the client finishing its body (it never blocks). */
export function completes(plan: WirePlan, limit: number): boolean {
  const declaredOver = plan.framing === "length" && plan.declared > limit;
  const sentOver = plan.framing === "chunked" && sentBytes(plan) > limit;
  const whole = plan.framing === "length" ? sentBytes(plan) === plan.declared : plan.finished;
  return declaredOver || sentOver || whole || plan.closeEarly;
}
