// A node that accepts the connection and never answers `GET /` (a hung node, a proxy holding the
// request): the shared version question has its own deadline, so requests fail with a message
// naming it instead of waiting until a restart, and the next request asks again.
import assert from "node:assert/strict";
import { compatibleTransport } from "../../plugins/elasticsearch_compat.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";

Deno.test("the version question's deadline fails the waiting request in words, and the next request asks again", async () => {
  const es = startFakeElasticsearch({ major: 9 });
  let hang = true;
  const held: Array<() => void> = [];
  const seen: string[] = [];
  // In front of the fake: holds `GET /` while `hang` is set, forwards everything else.
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}${hang && url.pathname === "/" ? " (held)" : ""}`);
    if (hang && url.pathname === "/") {
      await new Promise<void>((resolve) => held.push(resolve));
      return new Response(null, { status: 503 });
    }
    return await fetch(`${es.url}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
    });
  });
  const { Client, Transport } = await import("@elastic/elasticsearch");
  const client = new Client({
    node: `http://127.0.0.1:${proxy.addr.port}`,
    maxRetries: 0,
    // No request timeout of the client's own (DEFAULT_TIMEOUT: false); the question's is 2 s (wide, so that a loaded machine still answers the second question in time).
    Transport: compatibleTransport(Transport, undefined, 2000),
  });
  try {
    await assert.rejects(
      client.info(),
      new RegExp(
        "^UpstreamError: Elasticsearch \\(GET / for its version\\) did not answer within 2 s$",
      ),
    );
    hang = false;
    const info = await client.info();
    assert.equal(info.version.number.split(".")[0], "9");
    assert.deepEqual(seen, ["GET / (held)", "GET /", "GET /"]);
  } finally {
    for (const release of held) release();
    await client.close();
    await proxy.shutdown();
    await es.close();
  }
});
