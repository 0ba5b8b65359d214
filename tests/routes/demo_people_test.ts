/**
 * The demo people reach the sign-in page and the start-up batch run through `Services.demoPeople`
 * (plugins/assemble.ts), not by routes or the CLI importing the demo plugin's data.
 */
import assert from "node:assert/strict";
import { demoConfig } from "../../config/demo.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { demoWith, startApp } from "../support/app.ts";

Deno.test("in demo mode the sign-in page lists exactly the built-in demo people, from Services", async () => {
  const app = await startApp();
  try {
    assert.deepEqual(
      app.services.demoPeople.map((p) => p.email),
      DEMO_PEOPLE.map((p) => p.email),
    );
    const html = await (await app.request("/login")).text();
    const listed = [...html.matchAll(/name="email" value="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(listed, DEMO_PEOPLE.map((p) => p.email));
    await app.login(DEMO_PEOPLE[0]!.email);
  } finally {
    await app.close();
  }
});

Deno.test("demo mode with other sources still offers the demo people (tests and benchmarks)", async () => {
  const app = await startApp({ config: demoWith({ PLUGINS: {} }) });
  try {
    assert.equal(app.services.demoPeople.length, DEMO_PEOPLE.length);
  } finally {
    await app.close();
  }
});

Deno.test("outside demo mode there are no demo people and no demo sign-in", async () => {
  const app = await startApp({ config: { ...demoConfig(), demo: false } });
  try {
    assert.deepEqual(app.services.demoPeople, []);
    const res = await app.request("/login/demo", {
      method: "POST",
      body: new URLSearchParams({ email: DEMO_PEOPLE[0]!.email, next: "/" }),
    });
    await res.body?.cancel();
    assert.equal(res.status, 404);
  } finally {
    await app.close();
  }
});
