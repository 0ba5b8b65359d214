/**
 * `GET /api/v1/todo/:email` answers the one to-do model (issue 27) the badge and the Overview
 * show: Fry's 10 counted items of 20 listed, Amy's none of 2, and nobody else's.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

Deno.test("GET /api/v1/todo/:email answers the person's to-do list with the badge's count", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const res = await app.request("/api/v1/todo/user@example.com", { cookie });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.count, 10);
    assert.deepEqual(body.byLevel, {
      critical: { shown: 6, counted: 6 },
      suggested: { shown: 4, counted: 4 },
      stale: { shown: 0, counted: 0 },
      unknown: { shown: 7, counted: 0 },
      info: { shown: 1, counted: 0 },
    });
    const firewall = body.items.find((i: { key: string }) => i.key.endsWith(":firewall"));
    assert.deepEqual(firewall, {
      key: "device:dev-DECAFBAD00:firewall",
      kind: "practice",
      level: "critical",
      counted: true,
      title: "Firewall is off",
      where: "MacBook Pro (16-inch, 2023) · macOS 15.6",
      href: "/devices#dev-DECAFBAD00-firewall",
      since: "2026-11-26T12:00:00.000Z",
      alerts: ["firewall-fry"],
    });
    const question = body.items.find((i: { kind: string; alert?: { id: string } }) =>
      i.alert?.id === "signin-fry-3"
    );
    assert.deepEqual(question, {
      key: "alert:signin-fry-3",
      kind: "alert",
      level: "suggested",
      counted: true,
      title: "Sign-in attempt from a new place",
      where: "",
      href: "/#n-signin-fry-3",
      alert: { id: "signin-fry-3", answered: false },
    });
    const amy = await app.login("green@example.com");
    const green = await (await app.request("/api/v1/todo/green@example.com", { cookie: amy }))
      .json();
    assert.equal(green.count, 0);
    assert.equal(green.items.length, 2);
    const other = await app.request("/api/v1/todo/green@example.com", { cookie });
    assert.equal(other.status, 403);
  } finally {
    await app.close();
  }
});

Deno.test("GET /api/v1/todo/:email asked by the security team about Fry: Fry's list, each href in look-up mode", async () => {
  const app = await startApp();
  try {
    const fry = await app.login("user@example.com");
    const own = await (await app.request("/api/v1/todo/user@example.com", { cookie: fry })).json();
    const admin = await app.login("admin@example.com");
    const res = await app.request("/api/v1/todo/user@example.com", { cookie: admin });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.count, 10);
    const hrefs = body.items.map((i: { href: string }) => i.href);
    assert.equal(hrefs.length, own.items.length);
    assert.ok(hrefs.includes("/devices?email=user%40example.com#dev-DECAFBAD00-firewall"));
    assert.ok(hrefs.includes("/?email=user%40example.com#n-signin-fry-3"));
    assert.deepEqual(
      hrefs,
      own.items.map((i: { href: string }) => {
        const [path, hash] = i.href.split("#");
        return `${path}?email=user%40example.com#${hash}`;
      }),
      "every href is Fry's own, in Fry's context",
    );
    const mine = await (await app.request("/api/v1/todo/admin@example.com", { cookie: admin }))
      .json();
    assert.deepEqual(
      mine.items.filter((i: { href: string }) => i.href.includes("email=")),
      [],
      "the admin's own list keeps plain links",
    );
  } finally {
    await app.close();
  }
});
