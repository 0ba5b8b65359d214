/**
 * The Google source's config section (`PLUGINS.google`): the original's keys, the service-account
 * key (the JSON object, a string holding it, or the path of the `.json` file Google Cloud
 * downloads), and `GOOGLE_API_ROOT_URL` for a proxy or a fake.
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
  /**
   * The service-account key: the JSON object, a string holding it (e.g. from `{"env": …}`), or
   * the path of its file (read at start with the process's read permission).
   */
  GOOGLE_API_SECRETS: z.union([z.string(), z.record(z.string(), z.unknown())])
    .transform(readSecrets).pipe(secretsSchema),
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

/**
 * The key as an object: given, parsed from a string holding JSON, or read from the file a string
 * names. Problems name the file, never the key's content.
 */
function readSecrets(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== "string") return value;
  const problem = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (value.trimStart().startsWith("{")) {
    try {
      return JSON.parse(value);
    } catch {
      return problem("expected the service-account JSON, but the text is not valid JSON");
    }
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(value);
  } catch (error: unknown) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
      ? "this process may not read it (--allow-read)"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : String(error);
    return problem(
      `cannot read the service-account key file "${value}": ${why}; give the path of the ` +
        "key's .json file, or the JSON itself",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    return problem(`the service-account key file "${value}" is not JSON`);
  }
}
