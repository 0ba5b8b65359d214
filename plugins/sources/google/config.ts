/**
 * The Google source's config section (`PLUGINS.google`): the original's keys, the service-account
 * JSON (an object or a string holding one), and `GOOGLE_API_ROOT_URL` for a proxy or a fake.
 * Changes when a config key changes.
 *
 * @module
 */
import { z } from "zod";
import { timeoutSeconds } from "../../plugin.ts";

const secretsSchema = z.object({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.url().optional(),
}).loose();

/** `PLUGINS.google`: the original's keys, plus `GOOGLE_API_ROOT_URL` for a proxy or a fake. */
export const schema = z.object({
  /** The service-account JSON (an object, or a string holding it, e.g. from `{"env": …}`). */
  GOOGLE_API_SECRETS: z.preprocess(parseJsonString, secretsSchema),
  /** The Workspace admin the service account acts for (domain-wide delegation `sub`). */
  GOOGLE_API_USERNAME: z.string().min(1),
  GOOGLE_API_SCOPES: z.array(z.string().min(1)).min(1),
  /** Replaces `https://admin.googleapis.com/` for every Admin SDK call. */
  GOOGLE_API_ROOT_URL: z.url().optional(),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** The validated `PLUGINS.google` section. */
export type GoogleConfig = z.infer<typeof schema>;

function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
