/**
 * `GET /api/v1/dashboard/devices` (issue 26): the devices behind a Dashboard number as JSON, or
 * as CSV with `format=csv` — the same filters, sort and pages as `/dashboard/devices` — for
 * privileged callers only (a bearer token as for the rest of the API, or the session). Every
 * device returned is audited.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { listCsv, PAGE_SIZE, parseList, practiceTitles, runOf } from "../rendering/device_lists.ts";
import { apiRefusal as fail } from "../refusals.ts";
import { privilegedCaller } from "./api_caller.ts";

/** The dashboard part of the API, mounted at `/api/v1`. */
export const dashboardApi: Hono<AppEnv> = new Hono<AppEnv>();

dashboardApi.get("/dashboard/devices", async (c) => {
  await privilegedCaller(c); // an AuthFailure is answered by app.onError (routes/refusals.ts)
  const parsed = parseList((k) => c.req.query(k));
  if ("error" in parsed) return fail(c, 400, parsed.error);
  const { store, engine } = c.var.deps;
  const run = await runOf(store, parsed.query.run);
  if (run === null) return fail(c, 404, "There is no such batch run");
  const query = { ...parsed.query, run: run.id };
  if (c.req.query("format") === "csv") {
    const { text, rows } = await listCsv(store, query, practiceTitles(engine.parts.practices));
    for (const r of rows) audit(c, r.email, "device", r, "dashboard api csv");
    c.header("Content-Type", "text/csv; charset=utf-8");
    return c.body(text);
  }
  const offset = (parsed.page - 1) * PAGE_SIZE;
  const { rows, total } = await store.deviceRows.deviceRows({ ...query, offset, limit: PAGE_SIZE });
  for (const r of rows) audit(c, r.email, "device", r, "dashboard api");
  return c.json({
    run: { id: run.id, finishedAt: run.finishedAt.toISOString() },
    filter: query,
    page: parsed.page,
    pageSize: PAGE_SIZE,
    total,
    devices: rows,
  });
});
