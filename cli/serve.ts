/**
 * `serve`: the web app on `Deno.serve` (kept listening when descriptors run out, cli/listen.ts), with
 * graceful shutdown.
 *
 * @module
 */
import { assemble } from "../plugins/assemble.ts";
import { runDemoBatch } from "./demo_batch.ts";
import { createApp, depsFrom, sourceObservers } from "../routes/app.tsx";
import { type ResilientServer, serveResilient } from "./listen.ts";
import type { CommandContext } from "./command.ts";
import { startProcessMetrics } from "./process_metrics.ts";

/** Runs the server until SIGINT/SIGTERM; returns the exit code. */
export async function serve(ctx: CommandContext): Promise<number> {
  const { config, log, values } = ctx;
  const portText = (values.port as string | undefined) ?? Deno.env.get("PORT") ?? "8000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    ctx.printErr(`--port: expected a port number from 0 to 65535, got "${portText}"`);
    return 2;
  }
  const hostname = (values.hostname as string | undefined) ??
    (config.demo ? "127.0.0.1" : "0.0.0.0");
  const { metrics, onCall } = sourceObservers(log);
  const services = await assemble(config, { log, onCall, metrics });
  const processMetrics = startProcessMetrics(metrics);
  for (const left of processMetrics.unavailable) log.info("metric not reported", { metric: left });
  const descriptorsOut = metrics.counter(
    "stethoscope_out_of_descriptors_total",
    "Times the listener ran out of file descriptors and refused connections for a while.",
  );
  const app = await createApp(depsFrom(services, { log, now: () => new Date(), metrics }));
  let server: ResilientServer;
  try {
    server = await serveResilient(app.fetch, {
      port,
      hostname,
      log,
      onOutOfDescriptors: () => descriptorsOut.inc(),
      onListen: (addr) => {
        log.info("listening", {
          address: `http://${addr.hostname}:${addr.port}`,
          mode: config.demo ? "demo" : "configured",
          plugins: services.plugins.map((p) => p.name),
          store: services.store.kind,
          startup_ms: Math.round(performance.now()),
        });
      },
    });
  } catch (error: unknown) {
    processMetrics.stop();
    await services.close();
    if (error instanceof Deno.errors.AddrInUse) {
      ctx.printErr(
        `Cannot listen on ${hostname}:${port}: the port is in use; choose another with --port`,
      );
      return 1;
    }
    throw error;
  }
  services.outbox.start();
  services.nudgeWorker?.start();
  services.releases.start();
  // Background work started here is awaited at shutdown, before the store closes.
  const demoBatch = config.demo
    ? runDemoBatch(services.demoPeople.map((p) => p.email), { ...services, now: () => new Date() })
      .catch((error: unknown) => log.warn("demo batch run failed", { error: String(error) }))
    : Promise.resolve();
  const stop = () => {
    log.info("shutting down");
    server.shutdown();
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  // Shutdown order: no new requests and none in flight (above), then the background work —
  // the demo batch, then (services.close) release-feed reads, the outbox, lookups still
  // refreshing snapshots, the plugins' pollers — and the store last.
  processMetrics.stop();
  await demoBatch;
  await services.close();
  log.info("stopped");
  return 0;
}
