import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { demoConfig } from "../../config/demo.ts";
import type { Config } from "../../config/schema.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import {
  loadPlugins,
  PluginConfigError,
  REGISTRY,
  type RegistryEntry,
  timeoutFor,
} from "../../plugins/registry.ts";
import { z } from "zod";
import type { AnyPluginModule } from "../../plugins/plugin.ts";
import { demoWith } from "../support/app.ts";
import { sourceEntry } from "../support/sources.ts";

async function load(config: Config, registry?: Record<string, RegistryEntry>) {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    return await loadPlugins(config, {
      log: silentLogger,
      store,
      ...(registry ? { registry } : {}),
    });
  } finally {
    await store.close();
  }
}

async function problemsOf(config: Config, registry?: Record<string, RegistryEntry>) {
  try {
    const loaded = await load(config, registry);
    await Promise.all(loaded.map((p) => p.instance.close?.()));
  } catch (error: unknown) {
    if (error instanceof PluginConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("loadPlugins() imports only the plugins that are configured", async () => {
  const imported: string[] = [];
  const tracked = (name: string): RegistryEntry => {
    const entry = sourceEntry(() => Promise.resolve([]));
    return {
      ...entry,
      load: () => {
        imported.push(name);
        return entry.load();
      },
    };
  };
  const loaded = await load(demoWith({ PLUGINS: { used: {} } }), {
    used: tracked("used"),
    unused: tracked("unused"),
  });
  assert.deepEqual(imported, ["used"]);
  assert.deepEqual(loaded.map((p) => p.name), ["used"]);
});

Deno.test("the registry table holds every plugin; each module declares its kinds and summary", async () => {
  for (
    const name of [
      "bitfit",
      "demo",
      "duo",
      "es_logger",
      "es_notifications",
      "file",
      "google",
      "jamf",
      "landesk",
      "restful_feedback",
    ]
  ) {
    const entry = REGISTRY[name];
    assert.ok(entry, `${name} is registered`);
    const module = (await entry.load()).default;
    assert.ok(module.kinds.length > 0, name);
    assert.ok(module.summary.length > 0, name);
  }
});

Deno.test("an unknown plugin stops start-up with a suggestion", async () => {
  assert.deepEqual(await problemsOf(demoWith({ PLUGINS: { jamff: {} } })), [
    `PLUGINS.jamff: unknown plugin (did you mean "jamf"?); known: ${
      Object.keys(REGISTRY).join(", ")
    }`,
  ]);
});

Deno.test("invalid plugin config stops start-up with one line per problem", async () => {
  const out = await problemsOf(demoWith({
    PLUGINS: {
      jamf: { JAMF_API_USERNAME: "api", JAMF_API_HOSTADDR: "not a url", JAMF_TYPO: 1 },
      demo: { LATENCY_MS: -5 },
    },
  }));
  assert.deepEqual(out.sort(), [
    "PLUGINS.demo.LATENCY_MS: expected a value of at least 0",
    "PLUGINS.jamf.JAMF_API_HOSTADDR: expected a URL",
    "PLUGINS.jamf.JAMF_API_PASSWORD: required with JAMF_API_USERNAME",
    "PLUGINS.jamf.JAMF_TYPO: unknown key",
  ]);
});

Deno.test("timeoutFor() prefers the plugin's own key, then TIMEOUT, then DEFAULT_TIMEOUT", () => {
  const keys = ["JAMF_TIMEOUT", "TIMEOUT"];
  assert.equal(timeoutFor({ JAMF_TIMEOUT: 2, TIMEOUT: 5 }, keys, 10), 2000);
  assert.equal(timeoutFor({ TIMEOUT: 0.25 }, keys, 10), 250);
  assert.equal(timeoutFor({}, keys, 10), 10_000);
  assert.equal(timeoutFor({}, keys, false), null);
});

Deno.test("demo mode loads the demo plugin as a device, account, event and notification source", async () => {
  const loaded = await load(demoConfig());
  assert.deepEqual(loaded.map((p) => [p.name, [...p.kinds]]), [[
    "demo",
    ["devices", "accounts", "events", "notifications"],
  ]]);
  assert.equal(loaded[0]!.instance.timeoutMs, 10_000);
});

Deno.test("a plugin whose instance lacks a method of its declared kind stops start-up", async () => {
  // Built without definePlugin, which would refuse it at compile time.
  const liar: AnyPluginModule = {
    kinds: ["events"],
    summary: "claims events, serves none",
    schema: z.object({}).strict(),
    create: (_config, ctx) => ({ name: ctx.name, timeoutMs: ctx.timeoutMs }),
  };
  assert.deepEqual(
    await problemsOf(demoWith({ PLUGINS: { liar: {} } }), {
      liar: { load: () => Promise.resolve({ default: liar }) },
    }),
    ["PLUGINS.liar: the plugin lacks eventsByEmail (kind events)"],
  );
});
