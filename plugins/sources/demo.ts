/**
 * The `demo` plugin: a device, account, event and notification source serving the built-in demo
 * people. Its records go through the real engine. Configured automatically in demo mode.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import { demoAccount, demoPerson } from "./demo_people.ts";
import { sleep } from "../../lib/abort.ts";

const schema = z.object({
  TIMEOUT: timeoutSeconds,
  /** Milliseconds each call takes (to show the deadline at work). */
  LATENCY_MS: z.number().int().min(0).max(60_000).default(0),
}).strict();

/** The built-in demo source (the demo people's devices); see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => {
  const wait = (signal: AbortSignal) =>
    config.LATENCY_MS === 0 ? Promise.resolve() : sleep(config.LATENCY_MS, signal);
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    async devicesByEmail(email, { signal }) {
      await wait(signal);
      return demoPerson(email)?.devices(ctx.now()) ?? [];
    },
    async accountByEmail(email, { signal }) {
      await wait(signal);
      const person = demoPerson(email);
      return person ? demoAccount(person, ctx.now()) : null;
    },
    async eventsByEmail(email, { signal }) {
      await wait(signal);
      return demoPerson(email)?.events(ctx.now()) ?? [];
    },
    async notificationsByEmail(email, { signal }) {
      await wait(signal);
      return demoPerson(email)?.notifications(ctx.now()) ?? [];
    },
    checkConnectivity() {
      return Promise.resolve();
    },
  };
}, {
  kinds: ["devices", "accounts", "events", "notifications"],
  summary: "built-in demo people (demo mode)",
});
