/**
 * Over 300 lines: one fake server: Fry's two Macs as Jamf Pro inventory records, the RSQL filter
 * and section/page handling that serve them, kept together so a record and the code that filters it
 * change as one.
 *
 * A fake Jamf Pro server for the `jamf_pro` source: the Jamf Pro API's
 * `GET /api/v1/computers-inventory` (repeated `section`, `page`, `page-size`, `sort`, RSQL
 * `filter` with `==`, `,` for OR; answer `{totalCount, results}`; only the sections asked are
 * returned), in front of the JAMF fake (`fakes/jamf.ts`), which answers everything else — the
 * token endpoints and the Classic API — so one URL is one Jamf Pro server, as in production.
 * Records follow Jamf's reference
 * (https://developer.jamf.com/jamf-pro/reference/get_v1-computers-inventory) as the
 * deploymenttheory/go-api-sdk-jamfpro SDK models it; the values are Fry's two Macs of the Classic
 * fixtures (`lgml-pfry`, `lgmd-pfry`) as a current server would report them.
 *
 * @module
 */
import { type FakeJamf, startFakeJamf } from "./jamf.ts";
import { type FakeServer, json, type LoggedRequest, startFake } from "./server.ts";
import { sleep } from "../../lib/abort.ts";

/** One inventory record with every section (the fake trims to the sections asked). */
export type FakeInventoryRecord = Record<string, unknown> & { id: string };

const SECTION_KEYS: Record<string, string> = {
  GENERAL: "general",
  HARDWARE: "hardware",
  OPERATING_SYSTEM: "operatingSystem",
  DISK_ENCRYPTION: "diskEncryption",
  SECURITY: "security",
  USER_AND_LOCATION: "userAndLocation",
  SOFTWARE_UPDATES: "softwareUpdates",
  EXTENSION_ATTRIBUTES: "extensionAttributes",
  APPLICATIONS: "applications",
  SERVICES: "services",
};

function attribute(name: string, value: string) {
  return {
    definitionId: String(name.length),
    name,
    description: "",
    enabled: true,
    multiValue: false,
    values: [value],
    dataType: "STRING",
    options: [],
    inputType: "SCRIPT",
  };
}

/** Fry's MacBook Pro (`lgml-pfry`, his by email) and Mac Pro (`lgmd-pfry`, no owner recorded). */
export function jamfProComputers(): FakeInventoryRecord[] {
  return [
    {
      id: "4551",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
      general: {
        name: "lgml-pfry",
        platform: "Mac",
        reportDate: "2026-11-25T09:30:00.000Z",
        lastContactTime: "2026-11-25T09:45:00.000Z",
        remoteManagement: { managed: true },
        supervised: true,
        extensionAttributes: [],
      },
      hardware: {
        make: "Apple",
        model: "MacBook Pro (14-inch, M3, 2023)",
        modelIdentifier: "Mac15,3",
        serialNumber: "DECAFBAD00",
        macAddress: "00:DE:CA:FB:AD:01",
        altMacAddress: "00:DE:CA:FB:AD:00",
        appleSilicon: true,
        extensionAttributes: [],
      },
      operatingSystem: {
        name: "macOS",
        version: "26.1",
        build: "25B78",
        supplementalBuildVersion: "25B78",
        rapidSecurityResponse: "",
        fileVault2Status: "BOOT_ENCRYPTED",
        extensionAttributes: [],
      },
      diskEncryption: {
        bootPartitionEncryptionDetails: {
          partitionName: "Macintosh HD",
          partitionFileVault2State: "ENCRYPTED",
          partitionFileVault2Percent: 100,
        },
        individualRecoveryKeyValidityStatus: "VALID",
        institutionalRecoveryKeyPresent: false,
        fileVault2Enabled: true,
      },
      security: {
        sipStatus: "ENABLED",
        gatekeeperStatus: "APP_STORE_AND_IDENTIFIED_DEVELOPERS",
        xprotectVersion: "5325",
        autoLoginDisabled: true,
        remoteDesktopEnabled: false,
        activationLockEnabled: false,
        firewallEnabled: true,
        secureBootLevel: "FULL_SECURITY",
        bootstrapTokenEscrowedStatus: "ESCROWED",
      },
      userAndLocation: {
        username: "pfry",
        realname: "Philip J. Fry",
        email: "fry@planetexpress.com",
        position: "Delivery Boy",
        extensionAttributes: [],
      },
      softwareUpdates: [],
      extensionAttributes: [
        attribute("Screen Saver Lock Enabled", "Enabled"),
        attribute("Remote Login", "Off"),
        attribute("1 Auto Check For Updates Enabled", "True"),
        attribute("3 Install App Updates Enabled", "True"),
        attribute("4 Install macOS Updates Enabled", "True"),
      ],
      applications: [
        { name: "Safari.app", path: "/Applications/Safari.app", version: "26.1" },
      ],
      services: [{ name: "com.openssh.sshd" }],
    },
    {
      id: "3062",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000001",
      general: {
        name: "lgmd-pfry",
        platform: "Mac",
        reportDate: "2026-11-20T14:54:40.000Z",
        extensionAttributes: [],
      },
      hardware: {
        make: "Apple",
        model: "Mac Pro (2019)",
        serialNumber: "DECAFBAD01",
        macAddress: "00:DE:CA:FB:AD:02",
        altMacAddress: "00:DE:CA:FB:AD:03",
        extensionAttributes: [],
      },
      operatingSystem: {
        name: "macOS",
        version: "14.7.1",
        build: "23H222",
        rapidSecurityResponse: null,
        fileVault2Status: "NOT_ENCRYPTED",
      },
      diskEncryption: {
        bootPartitionEncryptionDetails: {
          partitionName: "Macintosh HD",
          partitionFileVault2State: "UNENCRYPTED",
          partitionFileVault2Percent: 0,
        },
      },
      security: {
        sipStatus: "DISABLED",
        gatekeeperStatus: "NOT_COLLECTED",
        firewallEnabled: false,
      },
      userAndLocation: { username: "", realname: "", email: "", extensionAttributes: [] },
      softwareUpdates: [{ name: "macOS Sonoma 14.8.2", version: "14.8.2" }],
      extensionAttributes: [
        attribute("Screen Saver Lock Enabled", "Disabled"),
        attribute("Remote Login", "On"),
      ],
    },
  ];
}

/** How the fake is started. */
export interface JamfProFakeOptions {
  computers?: FakeInventoryRecord[];
  /** Delay before each inventory page, in ms (benchmarks). */
  latencyMs?: number;
}

/** A running fake Jamf Pro. */
export interface JamfProFake extends FakeServer {
  /** `JAMF_PRO_URL` for the source (the server root). */
  serverUrl: string;
  /** The JAMF fake behind it (tokens, Classic API); its `url` is not the one to configure. */
  classic: FakeJamf;
  computers: FakeInventoryRecord[];
  /** Inventory pages served; the most inventory requests the fake was answering at once. */
  counts: { pages: number; mostAtOnce: number };
  /** Answers the next `n` inventory requests with 429 and this `Retry-After`. */
  throttle(n: number, retryAfter?: string): void;
  /**
   * Serves the first page whatever `page` asks, with this `totalCount` — a server that ignores
   * paging (hostile-upstream tests only; `null` turns it off).
   */
  ignorePaging(totalCount: number | null): void;
  /**
   * Serves at most `n` computers per page whatever `page-size` asks, as servers that cap it do
   * (Jamf-Concepts/jamf-cli#385: 2000; shbedev/jamf-recovery-lock#1: 100); `null` turns it off.
   */
  capPageSize(n: number | null): void;
  /** Says `totalCount` is `extra` more than it serves (records lost mid-listing); 0 turns it off. */
  overstateTotal(extra: number): void;
  /**
   * Holds the answers to pages after page 0 until `n` such requests wait at once, then answers
   * them last page first (a client asking pages in parallel must put them back in order); once.
   */
  holdPages(n: number): void;
  /** Answers every request for inventory page `page` with this HTTP status. */
  failPage(page: number, status: number): void;
}

const CLAUSE_RE = /^([A-Za-z.]+)==("(?:[^"\\]|\\.)*"|[^,;"]*)$/;

function field(record: FakeInventoryRecord, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    record,
  );
}

/** Parses `a=="x",b=="y"` (OR of equalities, the subset Stethoscope sends); null if unsupported. */
function parseFilter(filter: string): { path: string; value: string }[] | null {
  const clauses: { path: string; value: string }[] = [];
  for (const part of filter.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const m = CLAUSE_RE.exec(part.trim());
    if (!m) return null;
    const raw = m[2]!;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    clauses.push({ path: m[1]!, value });
  }
  return clauses;
}

/**
 * Starts the fake on 127.0.0.1, port 0, with the JAMF fake behind it.
 *
 * @example
 * ```ts
 * const fake = await startJamfProFake();
 * // PLUGINS.jamf_pro: { JAMF_PRO_URL: fake.serverUrl, JAMF_CLIENT_ID, JAMF_CLIENT_SECRET }
 * ```
 */
export async function startJamfProFake(options: JamfProFakeOptions = {}): Promise<JamfProFake> {
  const classic = await startFakeJamf();
  const computers = options.computers ?? jamfProComputers();
  const counts = { pages: 0, mostAtOnce: 0 };
  let atOnce = 0;
  let hold: { n: number; waiting: { page: number; go: () => void }[] } | null = null;
  const failing = new Map<number, number>();
  let throttled = 0;
  let retryAfter: string | undefined;
  let stuckTotal: number | null = null;
  let cap: number | null = null;
  let extraTotal = 0;

  async function inventory(req: LoggedRequest): Promise<Response> {
    counts.mostAtOnce = Math.max(counts.mostAtOnce, ++atOnce);
    try {
      return await answer(req);
    } finally {
      atOnce--;
    }
  }

  /** Waits, when pages are held, until enough wait; then lets them go, last page first. */
  async function held(page: number): Promise<void> {
    if (hold === null || page === 0) return;
    const h = hold;
    await new Promise<void>((go) => {
      h.waiting.push({ page, go });
      if (h.waiting.length < h.n) return;
      hold = null;
      for (const w of h.waiting.sort((a, b) => b.page - a.page)) w.go();
    });
  }

  async function answer(req: LoggedRequest): Promise<Response> {
    const auth = req.headers.get("authorization") ?? "";
    if (!auth.startsWith("Bearer ") || !classic.issued.includes(auth.slice(7))) {
      return json({ httpStatus: 401, errors: [] }, 401);
    }
    if (throttled > 0) {
      throttled--;
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
      return new Response(JSON.stringify({ httpStatus: 429, errors: [] }), {
        status: 429,
        headers,
      });
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    const q = req.url.searchParams;
    await held(Number(q.get("page") ?? 0));
    const status = failing.get(Number(q.get("page") ?? 0));
    if (status !== undefined) return json({ httpStatus: status, errors: [] }, status);
    counts.pages++;
    const filter = q.get("filter");
    let matching = computers;
    if (filter !== null) {
      const clauses = parseFilter(filter);
      if (clauses === null) {
        return json({ httpStatus: 400, errors: [{ code: "INVALID_RSQL_FILTER" }] }, 400);
      }
      matching = computers.filter((c) =>
        clauses.some((k) => String(field(c, k.path) ?? "").toLowerCase() === k.value.toLowerCase())
      );
    }
    const size = Math.min(Number(q.get("page-size") ?? 100), 2000, cap ?? Infinity);
    const index = stuckTotal === null ? Number(q.get("page") ?? 0) : 0;
    const keep = new Set(q.getAll("section").map((s) => SECTION_KEYS[s]).filter(Boolean));
    if (keep.size === 0) keep.add("general");
    const results = matching.slice(index * size, (index + 1) * size).map((c) =>
      Object.fromEntries(
        Object.entries(c).filter(([k]) => k === "id" || k === "udid" || keep.has(k)),
      )
    );
    return json({ totalCount: stuckTotal ?? matching.length + extraTotal, results });
  }

  const server = startFake(async (req) => {
    if (req.method === "GET" && req.url.pathname === "/api/v1/computers-inventory") {
      return await inventory(req);
    }
    const headers = new Headers(req.headers);
    headers.delete("host");
    return await fetch(`${classic.url}${req.path}`, {
      method: req.method,
      headers,
      ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: req.body }),
    });
  });
  return {
    ...server,
    serverUrl: server.url,
    classic,
    computers,
    counts,
    throttle(n, after) {
      throttled = n;
      retryAfter = after;
    },
    ignorePaging(total) {
      stuckTotal = total;
    },
    capPageSize(n) {
      cap = n;
    },
    overstateTotal(extra) {
      extraTotal = extra;
    },
    holdPages(n) {
      hold = { n, waiting: [] };
    },
    failPage(page, status) {
      failing.set(page, status);
    },
    async close() {
      await server.close();
      await classic.close();
    },
  };
}
