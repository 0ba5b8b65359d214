/**
 * One-shot JSON POSTs (the original's HTTP POST mixin, spec §9.2) for plugins that retry on their
 * own terms: the feedback outbox, batch summaries, failure counters. Changes when that mixin's
 * contract changes; requests that want retries and typed errors use `http.ts`.
 *
 * @module
 */
import { UpstreamError } from "../engine/core/ports.ts";
import { readBounded } from "./http_body.ts";
import { redactUrl, safeUrl } from "./http_redact.ts";
import { errorMessage } from "../lib/error_message.ts";
import { ANSWER_CEILINGS, outbound, OutboundError } from "./outbound.ts";

/** What {@link postJsonOnce} answers: the status and the body as JSON, text or `null`. */
export interface PostAnswer {
  status: number;
  ok: boolean;
  body: unknown;
}

/**
 * POSTs a JSON body once, with `User-Agent: Stethoscope` (the original's HTTP POST mixin,
 * spec §9.2), for plugins that retry on their own terms (the feedback outbox, batch summaries,
 * failure counters). A non-2xx answer is returned, not thrown; a transport failure throws an
 * `UpstreamError` naming the target without credentials; an abort rethrows the signal's reason.
 *
 * @param name the plugin, for messages
 * @param url the endpoint
 * @param body any JSON-serialisable value (dates become ISO strings), or a stream of JSON text
 *   already encoded (sent as it is, e.g. a large array read from a spill file)
 * @returns the answer; bodies over 1 MiB (`ANSWER_CEILINGS.sink`) are not read; `http:` is
 *   allowed (the URL is a setting); redirects only within the URL's origin
 */
export async function postJsonOnce(
  name: string,
  url: string,
  body: unknown,
  options: { signal?: AbortSignal; headers?: Record<string, string> },
): Promise<PostAnswer> {
  let response: Response;
  try {
    response = await outbound("sink", url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": "Stethoscope",
        ...options.headers,
      },
      body: body instanceof ReadableStream ? body : JSON.stringify(body),
    }, { name, allowHttp: true, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error: unknown) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (error instanceof OutboundError && error.reason !== "unreachable") throw error;
    const why = errorMessage(error instanceof OutboundError ? error.cause ?? error : error);
    throw new UpstreamError(`${name}: cannot reach ${safeUrl(url)}: ${redactUrl(why)}`);
  }
  const text = await readBounded(response, ANSWER_CEILINGS.sink).catch(() => null) ?? "";
  let parsed: unknown = null;
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, ok: response.ok, body: parsed };
}
