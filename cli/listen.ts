/**
 * `Deno.serve` that outlives running out of file descriptors.
 *
 * When the process has as many open descriptors as its limit (`ulimit -n`, systemd `LimitNOFILE`,
 * Docker `--ulimit nofile`), accepting one more connection fails with `EMFILE` ("Too many open
 * files", os error 24; `ENFILE`, 23, when the whole system is out). Deno's HTTP server treats that
 * as fatal: it stops listening and rejects `server.finished` (denoland/deno#10148 describes the
 * accept loop; Node and hyper's `AddrIncoming` instead sleep and retry). Here the listener is
 * opened again on the same address after a short pause — doubling from 100 ms to 2 s while
 * descriptors stay short — so extra connections are refused while the process is full and it
 * serves again as connections close. Any other failure ends serving as before.
 *
 * @module
 */
import type { Logger } from "../engine/core/log.ts";
import { errorMessage } from "../lib/error_message.ts";
import { sleep as wait } from "../lib/abort.ts";

const DESCRIPTOR_ERROR_RE = /too many open files|os error 2[34]\b/i;
const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 2_000;

/** Whether an error means the process (or system) is out of file descriptors (EMFILE/ENFILE). */
export function outOfDescriptors(error: unknown): boolean {
  return DESCRIPTOR_ERROR_RE.test(errorMessage(error));
}

/** The part of `Deno.serve` used here (tests hand in a fake). */
export type ServeFn = (
  options: { port: number; hostname: string; onListen: (addr: Deno.NetAddr) => void },
  handler: (
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ) => Response | Promise<Response>,
) => { finished: Promise<void>; shutdown: () => Promise<void> };

/** A server that reopens its listener after running out of descriptors. */
export interface ResilientServer {
  /** Resolves when {@link ResilientServer.shutdown} has finished; rejects on any other failure. */
  finished: Promise<void>;
  /** Stops listening and waits for requests in flight. */
  shutdown: () => Promise<void>;
}

/**
 * Serves `handler` on `hostname:port` like `Deno.serve`, reopening the listener on the address it
 * got (the same port even when `port` was 0) whenever serving fails for want of descriptors.
 * `onListen` is called once, for the first listener; each loss and recovery is logged (`warn`
 * "out of file descriptors", `info` "listening again").
 *
 * @param handler the request handler (e.g. `app.fetch`)
 * @param options the address; `log`; `serve` and `sleep` (milliseconds) are replaceable for tests
 * @returns the server; opening the first listener throws as `Deno.serve` does (e.g.
 *   `Deno.errors.AddrInUse`), unless it is for want of descriptors, which is retried
 */
export async function serveResilient(
  handler: Parameters<ServeFn>[1],
  options: {
    port: number;
    hostname: string;
    log: Logger;
    onListen?: (addr: Deno.NetAddr) => void;
    /** Told each time a listener is lost for want of descriptors (metrics). */
    onOutOfDescriptors?: () => void;
    serve?: ServeFn;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<ResilientServer> {
  const serve: ServeFn = options.serve ?? ((o, h) => Deno.serve(o, h));
  const sleep = options.sleep ?? wait;
  const { log, hostname } = options;
  let port = options.port;
  let listened = false;
  let stopping = false;
  let current: ReturnType<ServeFn> | undefined;
  let pause = FIRST_PAUSE_MS;

  const open = (): ReturnType<ServeFn> =>
    serve({
      port,
      hostname,
      onListen: (addr) => {
        port = addr.port;
        if (!listened) options.onListen?.(addr);
        else log.info("listening again", { address: `http://${addr.hostname}:${addr.port}` });
        listened = true;
      },
    }, handler);

  // The first listener: wait for descriptors, fail on anything else.
  for (;;) {
    try {
      current = open();
      break;
    } catch (error: unknown) {
      if (!outOfDescriptors(error)) throw error;
      options.onOutOfDescriptors?.();
      log.warn("out of file descriptors", { error: String(error), retry_ms: pause });
      await sleep(pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }

  const finished = (async () => {
    for (;;) {
      try {
        await current!.finished;
        return;
      } catch (error: unknown) {
        if (stopping || !outOfDescriptors(error)) throw error;
        options.onOutOfDescriptors?.();
        log.warn("out of file descriptors", {
          error: String(error),
          retry_ms: pause,
          note: "new connections are refused until some close",
        });
      }
      for (;;) {
        await sleep(pause);
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
        if (stopping) return;
        try {
          current = open();
          pause = FIRST_PAUSE_MS;
          break;
        } catch (error: unknown) {
          if (!outOfDescriptors(error)) throw error;
        }
      }
    }
  })();

  return {
    finished,
    async shutdown() {
      stopping = true;
      try {
        await current?.shutdown();
      } catch {
        // the listener had already failed; the loop above ends on `stopping`
      }
    },
  };
}
