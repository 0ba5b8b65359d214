// Elasticsearch behind a reverse proxy that forwards only index paths and refuses the root, as an
// nginx in front of a cluster answers `GET /` with its own 403/404 HTML page (public cases: clients
// whose start-up `GET /` "product check" broke behind such proxies or when `/` needs other
// credentials — ToucanToco/toucan-connectors PR #1469, opensearch-project/opensearch-js PR #21,
// Cap-Cloud/Cap-Elasticsearch-Client issue #9 with nginx's "403 Forbidden" page). Stethoscope asks
// `GET /` only to pick the media types; a node that will not say gets plain JSON, which 8.x and
// 9.x both accept, so the proxy's refusal must not stop any request. The version question is also
// shared by concurrent requests: one request giving up must not fail the others.
import assert from "node:assert/strict";
import { createEsClient } from "../../plugins/elasticsearch.ts";
import { type FakeElasticsearch, startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { notificationsFrom } from "./es_support.ts";

const NGINX_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n" +
  "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** A proxy on 127.0.0.1 in front of `es`: the root answers `root()`, the rest is forwarded. */
function proxy(es: FakeElasticsearch, root: () => Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/") return await root();
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
    const answer = await fetch(`${es.url}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      ...(body === undefined ? {} : { body }),
    });
    return new Response(await answer.arrayBuffer(), {
      status: answer.status,
      headers: answer.headers,
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

async function alert(es: FakeElasticsearch, index: string) {
  await es.putDoc(index, "n1", {
    email: "alice@example.com",
    type: "simple",
    message: "Please update your Mac",
    event_timestamp: "2026-11-29T08:00:00Z",
  });
}

for (const status of [404, 405]) {
  Deno.test(`an Elasticsearch 9 node behind a proxy that answers GET / with ${status} still gives the person's alerts`, async () => {
    const es = startFakeElasticsearch({ major: 9 });
    const front = proxy(es, () =>
      Promise.resolve(
        new Response(NGINX_404, { status, headers: { "content-type": "text/html" } }),
      ));
    const source = await notificationsFrom(front.url, { index: "alerts" });
    try {
      await alert(es, "alerts");
      es.requests.length = 0;
      for (let i = 0; i < 2; i++) {
        const found = await source.notificationsByEmail("alice@example.com", {
          signal: AbortSignal.timeout(5000),
        });
        assert.deepEqual(found.map((n) => [n.type, n.message]), [[
          "simple",
          "Please update your Mac",
        ]]);
      }
      // Asked once, then plain JSON, which the 9.x node accepts.
      assert.deepEqual(
        es.requests.map((r) => [r.method, r.path, r.headers.get("accept")]),
        [
          ["POST", "/alerts/_search", "application/json"],
          ["POST", "/alerts/_search", "application/json"],
        ],
      );
    } finally {
      await source.close();
      await front.close();
      await es.close();
    }
  });
}

Deno.test("a request that gives up while the node is being asked its version does not fail the others", async () => {
  const es = startFakeElasticsearch({ major: 9 });
  const { promise: asked, resolve: rootAsked } = Promise.withResolvers<void>();
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const front = proxy(es, async () => {
    rootAsked();
    await released;
    return await fetch(es.url);
  });
  const client = await createEsClient({ ELASTICSEARCH_HOSTS: [front.url] }, { timeoutMs: 5000 });
  try {
    const leaving = new AbortController();
    const first = client.count({ index: "alerts" }, { signal: leaving.signal }).then(
      () => "answered",
      (e: Error) => e.name,
    );
    await asked;
    const second = client.count({ index: "alerts" }, { signal: AbortSignal.timeout(5000) });
    leaving.abort();
    assert.equal(await first, "RequestAbortedError");
    release();
    assert.equal((await second).count, 0);
  } finally {
    release();
    await client.close();
    await front.close();
    await es.close();
  }
});
