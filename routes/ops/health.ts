/**
 * Operations: `/healthz` (the process answers), `/readyz` (config loaded, store open) and
 * `/metrics` (Prometheus text).
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";

/** The operations sub-app. */
export const health: Hono<AppEnv> = new Hono<AppEnv>();

health.get("/healthz", (c) => c.text("ok"));

health.get("/readyz", async (c) => {
  try {
    await c.var.deps.store.outbox.outboxDepth();
    return c.text("ready");
  } catch (error: unknown) {
    c.var.deps.log.warn("not ready: store unavailable", { error: String(error) });
    return c.text("store unavailable", 503);
  }
});

health.get("/metrics", async (c) => {
  c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return c.body(await c.var.deps.metrics.render());
});
