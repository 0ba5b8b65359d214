import assert from "node:assert/strict";
import { UpstreamError } from "../../engine/core/ports.ts";
import { pingEs } from "../../plugins/elasticsearch.ts";

const signal = () => new AbortController().signal;

Deno.test("pingEs() resolves when the node answers, and names the plugin when it does not", async (t) => {
  await t.step("a 2xx answer", async () => {
    assert.equal(
      await pingEs({ ping: () => Promise.resolve(true) }, { name: "es_logger", signal: signal() }),
      undefined,
    );
  });
  await t.step("a non-2xx answer (the client's ping resolves false)", async () => {
    await assert.rejects(
      pingEs({ ping: () => Promise.resolve(false) }, { name: "batch_es", signal: signal() }),
      (e: Error) => {
        assert.ok(e instanceof UpstreamError);
        assert.equal(e.message, "batch_es: Elasticsearch did not answer the ping");
        return true;
      },
    );
  });
  await t.step("a refused request, worded by describeEsError", async () => {
    // The client's ResponseError carries `meta.statusCode` and the ES error body.
    const refused = Object.assign(new Error("security_exception"), {
      meta: {
        statusCode: 401,
        body: {
          error: { type: "security_exception", reason: "missing authentication credentials" },
        },
      },
    });
    await assert.rejects(
      pingEs({ ping: () => Promise.reject(refused) }, {
        name: "es_notifications",
        signal: signal(),
      }),
      (e: Error) => {
        assert.equal(
          e.message,
          "es_notifications: Elasticsearch answered 401 (security_exception: missing authentication " +
            "credentials): the node wants credentials it accepts; set ELASTICSEARCH_KWARGS.auth " +
            "(username and password, or apiKey)",
        );
        return true;
      },
    );
  });
});
