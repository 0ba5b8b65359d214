/**
 * Intune's compliance-setting states for the whole tenant in a few requests (issue 25), for the
 * batch: instead of one `deviceCompliancePolicyStates` request per managed device (100,000 at
 * that size, against Graph's throttling), the batch reads
 *
 * 1. `GET /deviceManagement/deviceCompliancePolicySettingStateSummaries` — one summary per
 *    compliance setting in the tenant (`setting`, e.g. `Windows10CompliancePolicy.passwordRequired`,
 *    `platformType`, device counts per state), and
 * 2. for each summary whose setting Stethoscope reads (firewall, password/passcode),
 *    `GET …/deviceCompliancePolicySettingStateSummaries/{id}/deviceComplianceSettingStates` — one
 *    `deviceComplianceSettingState` per device (`deviceId`, `setting`, `state`, `userPrincipalName`…),
 *    paged with `@odata.nextLink`.
 *
 * Both are Microsoft Graph v1.0 (Intune device configuration: "List
 * deviceCompliancePolicySettingStateSummaries", "List deviceComplianceSettingStates"; application
 * permission `DeviceManagementConfiguration.Read.All`, the one the per-device reads need too).
 * `deviceId` is the managed device's `id`. Only the states that decide a practice
 * (compliant/remediated/nonCompliant) are kept, per device, with their setting name shared.
 *
 * @module
 */
import { UpstreamError } from "../../../engine/core/ports.ts";
import type { GraphClient } from "./graph.ts";
import { z } from "zod";
import { GraphPageSchema, isDecidingState, isPracticeSetting } from "./parse.ts";

const SUMMARIES = "/deviceManagement/deviceCompliancePolicySettingStateSummaries";

const SummarySchema = z.object({ id: z.string().min(1), setting: z.string().nullish() });
const StateSchema = z.object({ deviceId: z.string().nullish(), state: z.string().nullish() });

/** Managed-device id → the deciding setting states Graph reported for it. */
export type TenantSettingStates = Map<string, { setting: string; state: string }[]>;

/** What the tenant-wide read cost: Graph requests, settings read, devices with a state. */
export interface TenantReadCounts {
  requests: number;
  settings: number;
  devices: number;
}

async function* pages(
  graph: GraphClient,
  path: string,
  signal: AbortSignal,
  query: Record<string, string>,
  counts: TenantReadCounts,
): AsyncGenerator<unknown[]> {
  const followed = new Set<string>();
  let next: string | undefined = path;
  let first = true;
  while (next !== undefined) {
    const answer = await graph.get(next, signal, first ? query : undefined);
    counts.requests++;
    first = false;
    const page = GraphPageSchema.safeParse(answer);
    if (!page.success) throw new UpstreamError(`Intune: unexpected answer from ${path}`);
    yield page.data.value;
    next = page.data["@odata.nextLink"];
    if (next !== undefined && followed.has(next)) {
      throw new UpstreamError(`Intune: Graph sent an @odata.nextLink already followed (${path})`);
    }
    if (next !== undefined) followed.add(next);
  }
}

/**
 * Reads every device's firewall and password/passcode setting states of the tenant, the
 * summaries' states concurrently; see the module doc.
 *
 * @param graph the source's Graph client (tokens, 429 `Retry-After`)
 * @param options `pageSize` asked with `$top`; `signal` for the whole read
 * @returns the states by managed-device id, and what the read cost
 * @throws {UpstreamError} when a page cannot be read or is not a Graph collection
 */
export async function readTenantSettingStates(
  graph: GraphClient,
  options: { pageSize: number; signal: AbortSignal },
): Promise<{ states: TenantSettingStates; counts: TenantReadCounts }> {
  const counts: TenantReadCounts = { requests: 0, settings: 0, devices: 0 };
  const states: TenantSettingStates = new Map();
  const wanted: { id: string; setting: string }[] = [];
  for await (const page of pages(graph, SUMMARIES, options.signal, {}, counts)) {
    for (const raw of page) {
      const s = SummarySchema.safeParse(raw);
      if (s.success && s.data.setting && isPracticeSetting(s.data.setting)) {
        wanted.push({ id: s.data.id, setting: s.data.setting });
      }
    }
  }
  counts.settings = wanted.length;
  const top = { $top: String(options.pageSize) };
  await Promise.all(wanted.map(async ({ id, setting }) => {
    const path = `${SUMMARIES}/${encodeURIComponent(id)}/deviceComplianceSettingStates`;
    for await (const page of pages(graph, path, options.signal, top, counts)) {
      for (const raw of page) {
        const s = StateSchema.safeParse(raw);
        if (!s.success || !s.data.deviceId || !s.data.state) continue;
        if (!isDecidingState(s.data.state)) continue;
        let list = states.get(s.data.deviceId);
        if (list === undefined) states.set(s.data.deviceId, list = []);
        list.push({ setting, state: s.data.state });
      }
    }
  }));
  counts.devices = states.size;
  return { states, counts };
}
