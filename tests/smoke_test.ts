import assert from "node:assert/strict";
import { parseExposition, sampleValue } from "./support/exposition.ts";
import { startServer } from "./support/server.ts";

Deno.test("the real server starts in demo mode on port 0, answers /healthz and stops cleanly", async () => {
  const server = await startServer();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok");
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), "ready");
    const page = await fetch(`${server.url}/`, { redirect: "manual" });
    await page.body?.cancel();
    assert.equal(page.status, 302);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const start = JSON.parse(server.lines.find((l) => l.includes('"listening"'))!);
  assert.equal(start.mode, "demo");
  assert.deepEqual(start.plugins, ["demo"]);
  const request = server.lines.map((l) => JSON.parse(l)).find((l) => l.path === "/healthz");
  assert.equal(request.method, "GET");
  assert.equal(request.status, 200);
  assert.equal(typeof request.ms, "number");
  assert.equal(request.user, null);
});

Deno.test("demo mode fills the dashboard with a batch run of the demo people at start", async () => {
  const server = await startServer();
  try {
    const saved = JSON.parse(await server.lineWith("demo batch run saved"));
    assert.deepEqual([saved.people, saved.devices], [6, 14]);
    const login = await fetch(`${server.url}/login/demo`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url },
      body: new URLSearchParams({ email: "admin@example.com", next: "/dashboard" }),
    });
    await login.body?.cancel();
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const page = await fetch(`${server.url}/dashboard`, { headers: { Cookie: cookie } });
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /6 people,\s*14 devices\./);
    assert.match(html, /<svg/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("check-config lists every problem of a bad configuration in one run: top-level keys and plugin sections", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify({ PLUGINS: { jamf: {} }, SECRET_KEY: "x" }));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../main.ts", import.meta.url).pathname,
        "check-config",
        "--config",
        path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    const text = new TextDecoder().decode(out.stderr);
    assert.equal(
      text,
      `Configuration problems in ${path}:\n` +
        "  SECRET_KEY: too short; use at least 32 random bytes\n" +
        '  JWT_SECRET_KEY: required; set it to at least 32 random bytes (e.g. the output of "openssl rand -hex 32"), ideally as {"env": "NAME"}\n' +
        // The plugin sections are checked in the same run, so one pass lists every problem.
        "  PLUGINS.jamf.JAMF_API_HOSTADDR: required\n" +
        "  PLUGINS.jamf: JAMF credentials are missing: give JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (an API client, Jamf Pro 10.49+) or JAMF_API_USERNAME and JAMF_API_PASSWORD\n",
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("the real server's /metrics, under the start task's permissions, has process memory and CPU and says which process metrics it cannot read", async () => {
  const server = await startServer();
  try {
    const res = await fetch(`${server.url}/metrics`);
    const families = parseExposition(await res.text());
    assert.ok(sampleValue(families, "process_resident_memory_bytes")! > 1_000_000);
    assert.ok(sampleValue(families, "process_cpu_user_seconds_total")! > 0);
    assert.equal(families.get("deno_eventloop_lag_seconds")?.type, "histogram");
    // Deno reads /proc/self only with --allow-all: left out rather than reported as 0
    assert.equal(families.has("process_open_fds"), false);
    const left = server.lines.filter((l) => l.includes('"metric not reported"'))
      .map((l) => JSON.parse(l).metric);
    assert.deepEqual(left, [
      "process_open_fds: Deno reads /proc/self only with --allow-all",
      "process_max_fds: Deno reads /proc/self only with --allow-all",
    ]);
    assert.equal(sampleValue(families, "stethoscope_out_of_descriptors_total"), 0);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
