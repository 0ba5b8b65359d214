// RW3-13: an operator points ELASTICSEARCH_HOSTS at AWS OpenSearch 2.x. Its root document says
// `version.distribution: "opensearch"` and it sends no `x-elastic-product` header, which the
// Elastic clients require (deric/es-dedupe#12, serilog-contrib/serilog-sinks-elasticsearch#508:
// "The client noticed that the server is not Elasticsearch"). The root and search answers are the
// shared case's (RW3-11-13-elasticsearch.json). Observed: "Elasticsearch answered 200", a failure
// worded as a success code. Expected: the plugin's error, `connectivity` and the store name the
// node as OpenSearch 2.13.0, which is not supported (README: Elasticsearch 8.x and 9.x).
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { createElasticsearchStore } from "../../plugins/stores/elasticsearch.ts";
import { runMain, writeCliConfig } from "../support/cli.ts";
import { notificationsFrom } from "./es_support.ts";
import { realworldFixture } from "./fixture.ts";

const CASE = await realworldFixture<{ root: unknown; searchAnswer: unknown }>(
  "opensearch_2_13_root_and_search.json",
);

/** An OpenSearch 2.13 node on loopback: the case's answers, JSON, no product header. */
function startOpenSearch() {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { pathname } = new URL(req.url);
    paths.push(`${req.method} ${pathname}`);
    const body = pathname === "/" ? CASE.root : CASE.searchAnswer;
    return Response.json(req.method === "HEAD" ? null : body);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return { url, paths, close: () => server.shutdown() };
}

const named = (url: string) =>
  `the node at ${url} is OpenSearch 2.13.0, not Elasticsearch: ` +
  "Stethoscope works with Elasticsearch 8.x and 9.x";

for (const kwargs of [undefined, { compatibleWith: 8 }]) {
  Deno.test(`an OpenSearch 2.13 node is named as such by es_notifications (${JSON.stringify(kwargs ?? {})})`, async () => {
    const node = startOpenSearch();
    const source = await notificationsFrom(node.url, {
      index: "alerts",
      ...(kwargs && { kwargs }),
    });
    try {
      const signal = AbortSignal.timeout(5000);
      await assert.rejects(source.checkConnectivity!({ signal }), {
        message: `es_notifications: ${named(node.url)}`,
      });
      await assert.rejects(source.notificationsByEmail("alice@example.com", { signal }), {
        message: `es_notifications: ${named(node.url)}`,
      });
    } finally {
      await source.close();
      await node.close();
    }
  });
}

Deno.test("the Elasticsearch store pointed at OpenSearch refuses to start, naming it", async () => {
  const node = startOpenSearch();
  try {
    await assert.rejects(
      createElasticsearchStore({ ELASTICSEARCH_HOSTS: [node.url], log: silentLogger }),
      { message: `Cannot create the store index "stethoscope-dismissals": ${named(node.url)}` },
    );
  } finally {
    await node.close();
  }
});

Deno.test("connectivity says the node is OpenSearch 2.13.0 and exits 1", async () => {
  const node = startOpenSearch();
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-opensearch-" });
  try {
    const path = await writeCliConfig(dir, {
      PLUGINS: {
        es_notifications: { ELASTICSEARCH_HOSTS: [node.url], ELASTICSEARCH_INDEX: "alerts" },
      },
    });
    const out = await runMain(["connectivity", "--config", path, "--plugins", "es_notifications"]);
    assert.equal(
      out.stdout,
      `es_notifications: FAILED: ${named(node.url)}\n0 of 1 checks succeeded\n`,
    );
    assert.equal(out.code, 1);
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a node that answers like Elasticsearch 8 without its product header is not taken for it", async () => {
  // e.g. a proxy that drops the vendor's headers, or a look-alike that copies the root document
  const root = { version: { number: "8.15.3", build_flavor: "default" } };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json(root),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const source = await notificationsFrom(url, { index: "alerts" });
  try {
    await assert.rejects(source.checkConnectivity!({ signal: AbortSignal.timeout(5000) }), {
      message: `es_notifications: the node at ${url} did not say it is Elasticsearch (its answer ` +
        'has no "x-elastic-product: Elasticsearch" header, which Elasticsearch sends since 7.14): ' +
        "Stethoscope works with Elasticsearch 8.x and 9.x",
    });
  } finally {
    await source.close();
    await server.shutdown();
  }
});
