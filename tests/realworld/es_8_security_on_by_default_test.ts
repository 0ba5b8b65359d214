// Elasticsearch 8.0 turned security on by default: a plugin configured without credentials gets
// 401 security_exception "missing authentication credentials for REST request […]" (answer shape
// from elastic/elasticsearch issue #85386 and babenkoivan/elastic-scout-driver-plus issue #143,
// seen after upgrading to 8.x). The operator must be told what to set, and once it is set the
// plugin must work against that node.
import assert from "node:assert/strict";
import { UpstreamError } from "../../engine/core/ports.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { notificationsFrom } from "./es_support.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

const CREDENTIALS = { username: "stethoscope", password: "made-up-secret" };

Deno.test("an 8.x node with security on: the error says which setting is missing; with it, alerts are read", async () => {
  const es = startFakeElasticsearch({
    major: 8,
    authorization: basicAuth(CREDENTIALS.username, CREDENTIALS.password),
  });
  const bare = await notificationsFrom(es.url, { index: "alerts" });
  const signed = await notificationsFrom(es.url, {
    index: "alerts",
    kwargs: { auth: CREDENTIALS },
  });
  try {
    await assert.rejects(
      bare.notificationsByEmail("alice@example.com", { signal: AbortSignal.timeout(5000) }),
      (e: unknown) =>
        e instanceof UpstreamError &&
        e.message ===
          "es_notifications: Elasticsearch answered 401 (security_exception: missing " +
            "authentication credentials for REST request [/alerts/_search]): the node wants " +
            "credentials it accepts; set ELASTICSEARCH_KWARGS.auth (username and password, or apiKey)",
    );
    assert.equal(
      (await signed.notificationsByEmail("alice@example.com", {
        signal: AbortSignal.timeout(5000),
      })).length,
      0,
    );
    const asked = es.requests.filter((r) => r.headers.get("authorization") !== null);
    assert.deepEqual(asked.map((r) => [r.method, r.path, r.headers.get("accept")]), [
      ["GET", "/", "application/json"],
      ["POST", "/alerts/_search", "application/vnd.elasticsearch+json; compatible-with=8"],
    ]);
  } finally {
    await bare.close();
    await signed.close();
    await es.close();
  }
});
