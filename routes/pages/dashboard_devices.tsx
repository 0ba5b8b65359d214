/**
 * The devices behind the Dashboard's numbers (issue 26), for privileged users only:
 * `GET /dashboard/devices?run=&rating=&practice=&status=&platform=&source=&sort=&page=` (a page of
 * the list), `GET /dashboard/devices.csv?…` (all of it as CSV) and `GET /dashboard/find?q=` (the
 * look-up box: one person's look-up, or the devices that match). Every access is audited.
 *
 * @module
 */
import { Hono } from "hono";
import { DeviceRows, DeviceRowTable } from "../../views/device_rows.tsx";
import { personHref } from "../../views/person_link.ts";
import type { AppEnv, Ctx } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { errorPage, page } from "../rendering/render.tsx";
import { listCsv, PAGE_SIZE, parseList, practiceTitles, runOf } from "../rendering/device_lists.ts";

/** The dashboard's device lists (mounted after the signed-in check). */
export const dashboardDevices: Hono<AppEnv> = new Hono<AppEnv>();

dashboardDevices.use("/dashboard/*", async function privilegedOnly(c, next) {
  if (!c.var.user?.privileged) {
    return errorPage(c, 403, "The dashboard is only for the security team.");
  }
  await next();
});

/** The list's run and query, or the error page to answer. */
async function listOf(c: Ctx) {
  const parsed = parseList((k) => c.req.query(k));
  if ("error" in parsed) return errorPage(c, 400, `${parsed.error}.`);
  const run = await runOf(c.var.deps.store, parsed.query.run);
  if (run === null) return errorPage(c, 404, "There is no such batch run.");
  return { run, query: { ...parsed.query, run: run.id }, page: parsed.page };
}

dashboardDevices.get("/dashboard/devices", async (c) => {
  const list = await listOf(c);
  if (list instanceof Response) return list;
  const { store, engine, config } = c.var.deps;
  const { rows, total } = await store.deviceRows.deviceRows({
    ...list.query,
    offset: (list.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  for (const r of rows) audit(c, r.email, "device", r, "dashboard list");
  const titles = practiceTitles(engine.parts.practices);
  return page(
    c,
    { title: "Devices", active: "dashboard" },
    <DeviceRows
      filter={list.query}
      sort={list.query.sort ?? "overdue"}
      page={list.page}
      pageSize={PAGE_SIZE}
      rows={rows}
      total={total}
      finishedAt={list.run.finishedAt}
      titles={titles}
      sourceLabels={config.UI.sourceLabels}
    />,
  );
});

dashboardDevices.get("/dashboard/devices.csv", async (c) => {
  const list = await listOf(c);
  if (list instanceof Response) return list;
  const titles = practiceTitles(c.var.deps.engine.parts.practices);
  const { text, rows } = await listCsv(c.var.deps.store, list.query, titles);
  for (const r of rows) audit(c, r.email, "device", r, "dashboard csv");
  const name = `devices-${list.run.finishedAt.toISOString().slice(0, 10)}.csv`;
  c.header("Content-Disposition", `attachment; filename="${name}"`);
  c.header("Content-Type", "text/csv; charset=utf-8");
  return c.body(text);
});

dashboardDevices.get("/dashboard/find", async (c) => {
  const term = (c.req.query("q") ?? "").trim();
  if (term === "" || term.length > 200) {
    return errorPage(
      c,
      400,
      "Type an email address, a serial number, a MAC address or a host name.",
    );
  }
  const { store, engine, config } = c.var.deps;
  const run = await runOf(store, undefined);
  const found = run === null ? [] : await store.deviceRows.findDeviceRows(run.id, term, 100);
  const owners = [...new Set(found.map((r) => r.email))];
  if (owners.length === 1) return c.redirect(personHref("/", owners[0]), 303);
  if (owners.length === 0 && term.includes("@")) return c.redirect(personHref("/", term), 303);
  for (const r of found) audit(c, r.email, "device", r, "dashboard find");
  return page(
    c,
    { title: "Look-up", active: "dashboard" },
    <>
      <p>
        <a href="/dashboard">Back to the Dashboard</a>
      </p>
      <h1>Look-up: “{term}”</h1>
      {found.length === 0
        ? (
          <p class="panel">
            No device of the latest batch run has this owner, serial number, MAC address or host
            name.
          </p>
        )
        : (
          <>
            <p class="lead">
              {owners.length} people have a device that matches; choose one to see what they see.
            </p>
            <DeviceRowTable
              rows={found}
              titles={practiceTitles(engine.parts.practices)}
              sourceLabels={config.UI.sourceLabels}
              caption={`Devices matching “${term}”`}
            />
          </>
        )}
    </>,
  );
});
