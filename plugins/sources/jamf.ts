/**
 * JAMF Classic API device source (spec §3.1): Macs by owner, serial number or MAC address.
 *
 * Config keys are the original's: `JAMF_API_HOSTADDR` (e.g.
 * `https://example.jamfcloud.com/JSSResource`), optional `JAMF_TIMEOUT` / `TIMEOUT`, `DEBUG`, and
 * exactly one credential pair: `JAMF_API_USERNAME` + `JAMF_API_PASSWORD` (a Jamf Pro account) or
 * `JAMF_CLIENT_ID` + `JAMF_CLIENT_SECRET` (an API client). Requests carry a bearer token (see
 * `jamf_auth.ts`); Basic only on servers without a token endpoint.
 *
 * @module
 */
import { z } from "zod";
import { canonicalMac } from "../../engine/identity/identifiers.ts";
import { ownerKey } from "../../engine/identity/ownership.ts";
import { type CallOptions, NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { AuthError, connectionFailure, createHttpClient, type HttpClient } from "../http.ts";
import { createJamfAuth, type JamfAuth, jamfRequest } from "./jamf_auth.ts";
import {
  jamfCredentialKeys,
  jamfCredentials,
  jamfServerUrl,
  withJamfCredentialRules,
} from "./jamf_credentials.ts";
import { definePlugin, type PluginContext, timeoutSeconds } from "../plugin.ts";
import { MalformedComputerError, processComputer } from "./jamf_parse.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { skippedRecordsTally } from "./skipped_records.ts";
import { keptItems } from "./item_fetches.ts";

/** `PLUGINS.jamf` keys. */
export const jamfSchema = withJamfCredentialRules(
  z.object({
    ...jamfCredentialKeys,
    JAMF_API_HOSTADDR: z.url({ protocol: /^https?$/ }),
    JAMF_TIMEOUT: timeoutSeconds,
    TIMEOUT: timeoutSeconds,
    DEBUG: z.boolean().default(false),
  }).strict(),
);

/** Validated `PLUGINS.jamf` config. */
export type JamfConfig = z.infer<typeof jamfSchema>;

const JamfUser = z.looseObject({
  email: z.string().nullish(),
  email_address: z.string().nullish(),
  links: z.looseObject({
    computers: z.array(z.looseObject({ id: z.union([z.number(), z.string()]) })).nullish(),
  }).nullish(),
});
/** `GET /users/email/{email}`: every JAMF user with that address (two people may share one). */
const UsersByEmail = z.looseObject({
  users: z.array(JamfUser).nullish(),
  user: JamfUser.nullish(),
});

/** `GET /computers/match/{term}`: computers whose fields match the term (wildcard search). */
const MatchedComputers = z.looseObject({
  computers: z.array(z.looseObject({
    id: z.union([z.number(), z.string()]),
    email: z.string().nullish(),
    email_address: z.string().nullish(),
  })).nullish(),
});

/** The address in a JAMF URL path: percent-encoded except `@`, as Jamf's own examples write it. */
function emailPath(email: string): string {
  return encodeURIComponent(email).replaceAll("%40", "@");
}

/** The JAMF device source; see the module doc for its config. */
export default definePlugin(jamfSchema, (config, ctx) => {
  // Owners are compared as the engine's ownership guard compares them (EMAIL_DOMAIN_ALIASES).
  const key = ctx.ownerKey ?? ownerKey();
  // `true` when `owner` is empty (no one else named) or the person `wanted` (a key).
  const sameOwner = (owner: string | null | undefined, wanted: string): boolean => {
    const o = owner?.trim() ?? "";
    return o === "" || key(o) === wanted;
  };
  const http = createHttpClient({
    name: "JAMF",
    baseUrl: config.JAMF_API_HOSTADDR,
    timeoutMs: ctx.timeoutMs,
  });
  const auth = createJamfAuth({
    serverUrl: jamfServerUrl(config.JAMF_API_HOSTADDR),
    credentials: jamfCredentials(config),
    timeoutMs: ctx.timeoutMs,
    now: ctx.now,
  });
  const client = {
    getJson: async (path: string, options: CallOptions) =>
      (await jamfRequest(http, auth, { method: "GET", path, signal: options.signal })).body,
  };
  const debug = config.DEBUG;
  // Malformed computers, counted once per id for `connectivity` and the batch summary.
  const tally = skippedRecordsTally(ctx.log, ctx.name);

  async function computer(path: string, id: string, options: CallOptions): Promise<DeviceRecord> {
    const raw = await client.getJson(path, options);
    try {
      return processComputer(raw, { debug });
    } catch (error: unknown) {
      if (!(error instanceof MalformedComputerError)) throw error;
      throw new MalformedComputerError(`JAMF: computer ${id} is malformed: ${error.message}`);
    }
  }

  /**
   * The person's Macs, found by the whole address (never the local part, which two people can
   * share; see {@link computerIds}), keeping only those whose location email is the person's
   * (compared as the ownership guard compares: any letter case, domain aliases) or empty; a Mac
   * recorded for someone else is dropped and logged.
   * Source: RW-05 (a user whose `name` is a display name).
   */
  async function devicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]> {
    const wanted = key(email);
    const ids = await computerIds(email.trim(), wanted, options);
    const settled = await Promise.allSettled(ids.map(async (id) => ({
      id,
      device: await computer(`/computers/id/${encodeURIComponent(id)}`, id, options),
    })));
    options.signal.throwIfAborted();
    // A computer that vanished (404) is dropped (decision 21); one that is malformed or whose
    // request failed is named as a gap of this lookup, unless none arrived (then it is the error).
    const arrived = keptItems(settled, ids, {
      malformed: (e) => e instanceof MalformedComputerError,
      tally,
      log: ctx.log,
      source: ctx.name,
      what: "a computer",
      report: options.reportGap,
    });
    return arrived.flatMap(({ id, device }) => {
      if (sameOwner(device.email, wanted)) return [device];
      ctx.log.warn("jamf: dropped a computer recorded for another owner", { plugin: ctx.name, id });
      return [];
    });
  }

  /**
   * The ids of the person's computers: from the JAMF users with that address
   * (`GET /users/email/{email}`); when there is no such user, from the computers whose location
   * email is the address (`GET /computers/match/{email}`, a loose search, filtered here to the
   * whole address).
   *
   * @throws {NotFoundError} when neither finds anything
   */
  async function computerIds(email: string, wanted: string, options: CallOptions) {
    let raw: unknown;
    try {
      raw = await client.getJson(`/users/email/${emailPath(email)}`, options);
    } catch (error: unknown) {
      if (!(error instanceof NotFoundError)) throw error;
      const matched = MatchedComputers.safeParse(
        await client.getJson(`/computers/match/${emailPath(email)}`, options),
      );
      if (!matched.success) throw new UpstreamError(`JAMF: unexpected answer for "${email}"`);
      const ids = (matched.data.computers ?? [])
        .filter((c) => key(c.email_address ?? c.email ?? "") === wanted)
        .map((c) => String(c.id));
      if (ids.length === 0) throw new NotFoundError(`JAMF: no user or computer for "${email}"`);
      return ids;
    }
    const answer = UsersByEmail.safeParse(raw);
    const { users, user } = answer.success ? answer.data : {};
    if (!users && !user) throw new UpstreamError(`JAMF: unexpected answer for user "${email}"`);
    return [
      ...new Set(
        [...(users ?? []), ...(user ? [user] : [])]
          .filter((u) => sameOwner(u.email ?? u.email_address, wanted))
          .flatMap((u) => (u.links?.computers ?? []).map((c) => String(c.id))),
      ),
    ];
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => tally.counts(),
    devicesByEmail,
    devicesBySerial: async (serial, options) => [
      await computer(
        `/computers/serialnumber/${encodeURIComponent(serial)}`,
        `serial ${serial}`,
        options,
      ),
    ],
    devicesByMac: async (mac, options) => {
      const canonical = canonicalMac(mac);
      return [
        await computer(
          `/computers/macaddress/${encodeURIComponent(canonical)}`,
          `MAC ${canonical}`,
          options,
        ),
      ];
    },
    checkConnectivity: (options) => checkJamf(http, auth, options, ctx),
  };
}, { kinds: ["devices"], summary: "JAMF Classic API: Macs by owner, serial and MAC" });

async function checkJamf(
  http: HttpClient,
  auth: JamfAuth,
  options: CallOptions,
  ctx: PluginContext,
): Promise<string> {
  try {
    await jamfRequest(http, auth, { method: "GET", path: "/jssuser", signal: options.signal });
    return auth.describe();
  } catch (error: unknown) {
    options.signal.throwIfAborted();
    // jamf_auth.ts words refusals by what the server refused; never blame a password blindly.
    if (error instanceof AuthError) throw error;
    const failure = connectionFailure("JAMF", error);
    if (failure.status === undefined) {
      ctx.log.debug("jamf: connectivity check failed", { error: errorMessage(error) });
    }
    throw failure;
  }
}
