/**
 * An upstream that echoes a secret in its error's code (found by a review of issue 22: a Jamf
 * token endpoint answering 502 `{"error": "<client_secret>"}` put the secret in the error message
 * and so in the logs): the code is not shown when it repeats anything the request sent.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHttpClient } from "../../plugins/http.ts";
import { json, startFake } from "../fakes/server.ts";

const SECRET = "JamfClientSecret_0123456789abcdef";
const PASSWORD = "Tr0ub4dor_and-3";

Deno.test("an error code that echoes a form secret or a Basic password is not shown; a real code is", async () => {
  const fake = startFake((req) => {
    if (req.path === "/form") return json({ error: SECRET }, 502);
    if (req.path === "/basic") return json({ errors: [{ code: PASSWORD }] }, 500);
    return json({ error: "SERVICE_UNAVAILABLE" }, 500);
  });
  try {
    const client = createHttpClient({
      name: "JAMF",
      baseUrl: fake.url,
      timeoutMs: 5000,
      retries: 0,
    });
    const signal = new AbortController().signal;
    const host = fake.url.replace("http://", "");
    await assert.rejects(
      client.request("POST", "/form", {
        signal,
        body: new URLSearchParams({ client_id: "stethoscope", client_secret: SECRET }),
      }),
      (e: Error) => !e.message.includes(SECRET) && e.message.includes(`(502) for ${host}`),
    );
    const basic = `Basic ${btoa(`stethoscope:${PASSWORD}`)}`;
    await assert.rejects(
      client.request("POST", "/basic", {
        signal,
        headers: { Authorization: basic },
      }),
      (e: Error) => !e.message.includes(PASSWORD) && e.message.includes(`(500) for ${host}`),
    );
    await assert.rejects(
      client.request("GET", "/other", { signal }),
      (e: Error) => e.message.includes(`(500 SERVICE_UNAVAILABLE) for ${host}`),
    );
  } finally {
    await fake.close();
  }
});
