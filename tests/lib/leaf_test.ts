import assert from "node:assert/strict";

Deno.test("lib/ is a leaf: its modules import only each other and the platform", async () => {
  const dir = new URL("../../lib/", import.meta.url);
  const outside: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)) {
      const spec = m[1]!;
      // node: built-ins ship with Deno: they are the platform too (sha256.ts → node:crypto)
      if (!/^(\.\/[a-z0-9_]+\.ts|node:[a-z_/]+)$/.test(spec)) {
        outside.push(`${entry.name} → ${spec}`);
      }
    }
  }
  assert.deepEqual(outside, []);
});
