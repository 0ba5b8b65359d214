/**
 * A form post whose body cannot be parsed (review of issues 26/27): `multipart/form-data` without a
 * boundary, or with a boundary the body never uses, is the sender's mistake — a 400 with plain
 * words, never a 500 that reaches the error log and the failure loggers. Reachable without a
 * session (the demo sign-in) and with one (every form).
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { csrfOf, startApp } from "../support/app.ts";

const BAD_BODIES: [string, string, string][] = [
  ["multipart without a boundary", "multipart/form-data", "email=green@example.com"],
  ["multipart with an empty boundary", "multipart/form-data; boundary=", "x"],
];

Deno.test("a form body that cannot be parsed is a 400 on every form, signed in or not", async (t) => {
  const errors: string[] = [];
  const log = createLogger({ sink: (level, line) => level === "error" && errors.push(line) });
  const app = await startApp({ log });
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await (await app.request("/", { cookie })).text());
    const paths = [
      "/login/demo",
      "/check-again",
      "/nudges/snooze",
      "/nudges/settings",
      "/notifications/firewall-fry/dismiss",
      "/notifications/signin-fry-3/feedback",
    ];
    for (const path of paths) {
      for (const [what, type, body] of BAD_BODIES) {
        await t.step(`${what}: POST ${path}`, async () => {
          const res = await app.request(path, {
            method: "POST",
            cookie,
            headers: { "Content-Type": type, "X-CSRF-Token": csrf },
            body,
          });
          const text = await res.text();
          assert.equal(res.status, 400, text.slice(0, 300));
          assert.match(text, /This form could not be read\. Reload the page and try again\./);
        });
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await app.close();
  }
});
