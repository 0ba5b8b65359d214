/**
 * The configuration file's schema: the original's key names, validated with zod, with defaults
 * that are safe in production (DESIGN.md §5.1).
 *
 * @module
 */
import { isTimeZone } from "../lib/time_zone.ts";
import { linkSettingProblem } from "./links.ts";
import { z } from "zod";

const email = z.string().regex(/^[^@\s]+@[^@\s]+$/, "expected an email address");
const seconds = z.number().positive().max(86_400 * 366);
const HOST_RE =
  /^(\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const BITS_RE = /^\d{1,3}$/;
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An IPv4 or IPv6 address, optionally with a prefix length (built-ins only: no start-up cost). */
export function isIpOrCidr(value: string): boolean {
  const parts = value.split("/");
  if (parts.length > 2) return false;
  const [address = "", bits] = parts;
  let max: number;
  if (IPV4_RE.test(address)) max = 32;
  else if (
    address.includes(":") && !/[\[\]/%]/.test(address) && URL.canParse(`http://[${address}]/`)
  ) {
    max = 128;
  } else return false;
  return bits === undefined || (BITS_RE.test(bits) && Number(bits) <= max);
}

/** A page of the web UI. */
export const PAGES = ["overview", "devices", "accounts", "activity", "faq"] as const;

/** One question and answer of the FAQ page. */
const FaqEntry = z.object({ question: z.string().min(1), answer: z.string().min(1) }).strict();

const DEFAULT_FAQ = [
  {
    question: "What is this?",
    answer:
      "Stethoscope shows the security state of the devices you use for work, gathered from the inventories the company already runs, with plain instructions for anything to fix.",
  },
  {
    question: "Does Stethoscope install anything on my devices?",
    answer:
      "No. It only reads what existing inventory and management systems already know. Nothing is blocked: it is advice, not enforcement.",
  },
  {
    question: "A device is listed that is not mine, or one is missing.",
    answer:
      "Inventories sometimes attribute a device to the wrong person or have not seen it recently. Email the contact address at the bottom of the page and say which device.",
  },
  {
    question: "I fixed something but the page still shows it.",
    answer:
      "Each inventory reports on its own schedule, usually within a day. The card shows when the device was last updated.",
  },
];

export { isTimeZone } from "../lib/time_zone.ts";

/** The `UI` section: what the web pages say. */
/**
 * A setting that is a link a person follows (`UI.passwordResetLink`, `UI.slackLink`, `UI.faq.url`):
 * every such setting is this type, so none can hold a `javascript:` or `data:` link.
 */
export const linkSetting: z.ZodType<string> = z.string().superRefine((href, ctx) => {
  const problem = linkSettingProblem(href);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

export const UiSchema = z.object({
  appName: z.string().min(1).max(60).default("Stethoscope"),
  // The company's name in sentences ("the Planet Express network"); unset, the pages say "your
  // organisation's network" and "your work account" rather than "the your organisation network".
  orgName: z.string().min(1).max(80).optional(),
  contactEmail: email.default("security@example.com"),
  pages: z.array(z.enum(PAGES)).min(1).default([...PAGES]),
  sourceLabels: z.record(z.string(), z.string()).default({}),
  faq: z.union([
    z.object({ content: z.array(FaqEntry) }).strict(),
    z.object({ url: linkSetting }).strict(),
  ]).default({ content: DEFAULT_FAQ }),
  slackLink: linkSetting.optional(),
  /** Where a person resets their password, shown after they report a sign-in as not theirs. */
  passwordResetLink: linkSetting.optional(),
  /**
   * The time zone (IANA name, e.g. `Europe/Berlin`) sign-in times are shown in when the identity
   * provider gives none for the person (OIDC `zoneinfo` claim).
   */
  timeZone: z.string().refine(isTimeZone, {
    error: 'expected an IANA time zone such as "Europe/Berlin"',
  })
    .default("UTC"),
}).strict();

/** The `STORE` section: where dismissals, feedback and history are kept. */
export const StoreSchema = z.discriminatedUnion("TYPE", [
  z.object({
    TYPE: z.literal("sqlite"),
    /** A file path, or `:memory:` (tests). */
    PATH: z.string().min(1).default("./data/stethoscope.db"),
  }).strict(),
  z.object({
    TYPE: z.literal("elasticsearch"),
    ELASTICSEARCH_HOSTS: z.array(z.url()).min(1),
    ELASTICSEARCH_INDEX_PREFIX: z.string().min(1).default("stethoscope-"),
    ELASTICSEARCH_KWARGS: z.record(z.string(), z.unknown()).optional(),
  }).strict(),
]);

/**
 * The `SNAPSHOTS` section (issue 13): how long a person's snapshot is served without asking the
 * inventories, how soon "Check again" may ask again, and when unseen people's snapshots go.
 */
export const SnapshotsSchema = z.object({
  /** A snapshot younger than this many seconds is served as is (default 15 minutes). */
  FRESH_SECONDS: z.number().int().min(0).max(86_400 * 7).default(900),
  /** "Check again" is refused while the snapshot is younger than this (default 60 s). */
  CHECK_AGAIN_SECONDS: z.number().int().min(0).max(86_400).default(60),
  /** Snapshots of people not seen for this many days are deleted (default 30). */
  KEEP_DAYS: z.number().int().min(1).max(3660).default(30),
  /**
   * A first view (no snapshot) waits this many milliseconds for the inventories; if they have not
   * answered by then, the page is streamed: header and navigation at once, devices later.
   */
  STREAM_AFTER_MS: z.number().int().min(0).max(60_000).default(20),
  /**
   * The share of each source's published quota that stale views' background refreshes may spend
   * (default 0.5; `plugins/refresh_budgets.ts` lists the quotas).
   */
  REFRESH_SHARE: z.number().gt(0).max(1).default(0.5),
  /**
   * Per source (plugin name): upstream requests that refreshes may make per `PER_SECONDS`, and
   * the requests one lookup of a person makes there. Overrides the vendor's quota × share; a
   * source with neither is not limited.
   */
  REFRESH_BUDGETS: z.record(
    z.string(),
    z.object({
      REQUESTS: z.number().int().min(1),
      PER_SECONDS: z.number().int().min(1).max(86_400),
      REQUESTS_PER_LOOKUP: z.number().int().min(1).max(1000).default(1),
    }).strict().refine((b) => b.REQUESTS >= b.REQUESTS_PER_LOOKUP, {
      // fewer requests than one lookup makes would still allow one lookup, above the budget
      message: "REQUESTS is smaller than REQUESTS_PER_LOOKUP: not even one lookup fits the budget",
    }),
  ).default({}),
}).strict();

/**
 * The `BUDGETS` section (issue 22): how much one input may cost, so a never-ending upstream or a
 * flood of answers stops with an error naming the setting instead of filling memory or a sink.
 */
export const BudgetsSchema = z.object({
  /** Pages one inventory listing (batch) may read before it stops with an error. */
  LISTING_MAX_PAGES: z.number().int().min(1).max(1_000_000).default(20_000),
  /** Records one inventory listing may hold (about 1 KB each in memory) before it stops. */
  LISTING_MAX_RECORDS: z.number().int().min(1).max(10_000_000).default(500_000),
  /** Pages one person's lookup may read from one inventory (Graph `@odata.nextLink`). */
  LOOKUP_MAX_PAGES: z.number().int().min(1).max(10_000).default(20),
  /** Seconds a person's alerts (notification sources) are kept between page views. */
  NOTIFICATIONS_CACHE_SECONDS: z.number().int().min(0).max(3600).default(60),
  /** Alert answers one person may send per minute; more are refused with 429. */
  FEEDBACK_PER_MINUTE: z.number().int().min(1).max(10_000).default(30),
}).strict();

/** The budget settings. */
export type BudgetsConfig = z.infer<typeof BudgetsSchema>;

/**
 * The `RELEASE_DATA` section: where current OS releases and lifecycles come from (SOFA for Apple,
 * endoflife.date for every platform), how often they are refreshed and when their age is warned
 * about. Point the URLs at a mirror to self-host the feeds.
 */
export const ReleaseDataSchema = z.object({
  /** Fetch the feeds (false: use the store's last copy, else the shipped file). Demo: off. */
  FETCH: z.boolean().optional(),
  REFRESH_HOURS: z.number().min(0.25).max(24 * 7).default(6),
  /** Older data than this is reported on the dashboard and warned about once a day. */
  WARN_AFTER_DAYS: z.number().int().min(1).max(365).default(7),
  /** Seconds each feed request may take. */
  TIMEOUT: seconds.default(20),
  SOFA_MACOS_URL: z.url().default("https://sofafeed.macadmins.io/v1/macos_data_feed.json"),
  SOFA_IOS_URL: z.url().default("https://sofafeed.macadmins.io/v1/ios_data_feed.json"),
  /** The API base; `/{product}.json` is appended. */
  ENDOFLIFE_URL: z.url().default("https://endoflife.date/api"),
  ENDOFLIFE_PRODUCTS: z.array(
    z.string().regex(/^[a-z0-9-]+$/, "expected a product name such as windows"),
  )
    .default(["macos", "ios", "ipados", "android", "windows"]),
}).strict();

/** Rate limit of one kind of request, per client address. */
const RateLimit = z.object({
  REQUESTS: z.number().int().positive(),
  PER_SECONDS: z.number().positive(),
}).strict();

/**
 * The `NUDGES` section (issue 27): messages to people about what needs them, through the nudge
 * channel plugins (`slack`, `email`). Off until `ENABLED`; `main.ts nudges --dry-run` shows who
 * would get what first. The window is read in each person's time zone (Slack's, else `TIME_ZONE`).
 */
export const NudgesSchema = z.object({
  /** Queue messages after each batch run (and on `main.ts nudges`). Default `false`. */
  ENABLED: z.boolean().default(false),
  /** The nudge plugins to send through, by name; default every configured one. */
  CHANNELS: z.array(z.string().min(1)).min(1).optional(),
  /** ISO weekdays a message may arrive on: 1 = Monday … 7 = Sunday. Default Monday–Friday. */
  DAYS: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  /** First local hour a message may arrive, 0–23. Default 13. */
  FROM_HOUR: z.number().int().min(0).max(23).default(13),
  /** First local hour it may no longer arrive, 1–24. Default 17. */
  TO_HOUR: z.number().int().min(1).max(24).default(17),
  /** The time zone for people whose own is not known. Default `UTC`. */
  TIME_ZONE: z.string().refine(isTimeZone, { message: "expected an IANA time zone" }).default(
    "UTC",
  ),
  /** Most messages per person and channel in 7 days. Default 2. */
  WEEKLY_CAP: z.number().int().min(1).max(14).default(2),
  /** A critical item still failing is sent again after this many days. Default 7. */
  REMIND_AFTER_DAYS: z.number().int().min(1).max(90).default(7),
  /** Devices not seen for this many days are asked about, never nudged about. Default 90. */
  STALE_DAYS: z.number().int().min(7).max(3650).default(90),
  /** How long "Snooze" puts a suggested item aside. Default 3 days. */
  SNOOZE_DAYS: z.number().int().min(1).max(30).default(3),
}).strict().refine((n) => n.FROM_HOUR < n.TO_HOUR, {
  message: "FROM_HOUR must be before TO_HOUR",
  path: ["TO_HOUR"],
});

/** The `EXEMPTIONS` section (issue 26): how long an exemption lasts unless said, and at most. */
export const ExemptionsSchema = z.object({
  /** The expiry the grant form proposes, in days from today. Default 90. */
  DEFAULT_DAYS: z.number().int().min(1).max(3650).default(90),
  /** The longest a granter may choose, in days from today. Default 365 (one year). */
  MAX_DAYS: z.number().int().min(1).max(3650).default(365),
}).strict().refine((e) => e.DEFAULT_DAYS <= e.MAX_DAYS, {
  message: "DEFAULT_DAYS must not be more than MAX_DAYS",
  path: ["DEFAULT_DAYS"],
});

/** The whole configuration file. */
export const ConfigSchema = z.object({
  PLUGINS: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  PLUGINS_ENABLED: z.array(z.string()).optional(),
  /** Validated in detail by the engine's practice schema. */
  PRACTICES: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  PRACTICES_ENABLED: z.array(z.string()).optional(),
  /** Seconds each source may take; `false` means no limit (not recommended). */
  DEFAULT_TIMEOUT: z.union([seconds, z.literal(false)]).default(10),
  SECRET_KEY: z.string().min(1).optional(),
  SECRET_KEY_PREVIOUS: z.string().min(1).optional(),
  JWT_SECRET_KEY: z.string().min(1).optional(),
  JWT_ALGORITHM: z.enum(["HS256", "HS384", "HS512"]).default("HS256"),
  JWT_EXPIRATION_DELTA: seconds.default(86_400),
  JWT_LEEWAY: z.number().min(0).max(300).default(0),
  /** Longest an API token may live (`exp` − `iat`), seconds; longer ones are refused. 90 days. */
  JWT_MAX_LIFETIME: seconds.default(90 * 86_400),
  /** When set, tokens must carry this `aud` (and `main.ts token` writes it). */
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** When set, tokens must carry this `iss` (and `main.ts token` writes it). */
  JWT_ISSUER: z.string().min(1).optional(),
  SESSION_IDLE_SECONDS: seconds.default(8 * 3600),
  SESSION_MAX_SECONDS: seconds.default(7 * 86_400),
  PRIVILEGED_USERS: z.array(email).default([]),
  PRIVILEGED_GROUPS: z.array(z.string().min(1)).default([]),
  /**
   * Who may grant and revoke exemptions; each must also be privileged (`PRIVILEGED_USERS` or a
   * group) to use it. Default: nobody.
   */
  EXEMPTION_GRANTERS: z.array(email).default([]),
  EXEMPTIONS: ExemptionsSchema.default(ExemptionsSchema.parse({})),
  PUBLIC_ORIGIN: z.url().optional(),
  /** Host names this site answers to; `.example.com` also matches its subdomains. */
  TRUSTED_HOSTS: z.array(
    z.string().regex(HOST_RE, "expected a host name such as steth.example.com or .example.com"),
  ).min(1).optional(),
  /** Reverse proxies (IPs or CIDRs) whose `X-Forwarded-For` is believed for rate limits. */
  TRUSTED_PROXIES: z.array(z.string().refine(isIpOrCidr, "expected an IP address or CIDR range"))
    .optional(),
  CORS_ORIGINS: z.array(z.url()).default([]),
  LOGIN_MANAGER: z.enum(["none", "oidc"]).default("none"),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUTHORIZATION_URL: z.url().optional(),
  OIDC_TOKEN_URL: z.url().optional(),
  OIDC_USERINFO_URL: z.url().optional(),
  OIDC_JWKS_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.array(z.string()).default(["openid", "email", "profile"]),
  OIDC_GROUPS_CLAIM: z.string().min(1).optional(),
  /**
   * The ID-token claim that must be the boolean `true` for the email to be believed
   * (`email_verified`, OIDC Core §5.1); `false` when the provider never sends one (Microsoft
   * Entra ID: use `"xms_edov"`, its optional claim, read as verified when `true`, `"1"` or
   * `"true"`, the encodings Entra sends; or `false`). An explicit
   * `email_verified: false` is refused whatever this says.
   */
  OIDC_EMAIL_VERIFIED_CLAIM: z.union([z.string().min(1), z.literal(false)]).default(
    "email_verified",
  ),
  ALLOWED_EMAIL_DOMAINS: z.array(z.string().min(1)).optional(),
  /**
   * Groups of email domains that name the same people (`[["example.com", "example.co.uk"]]`):
   * the engine's ownership guard treats `alice@example.co.uk` in an inventory as
   * `alice@example.com`. A domain may be in one group only.
   */
  EMAIL_DOMAIN_ALIASES: z.array(
    z.array(z.string().regex(DOMAIN_RE, "expected a domain name such as example.co.uk")).min(2),
  ).default([]).refine(
    (groups) => new Set(groups.flat().map((d) => d.toLowerCase())).size === groups.flat().length,
    "a domain appears twice; list each domain in one group only",
  ),
  /** Per-plugin debug routes of the JSON API (privileged users only). */
  ENABLE_DEBUG_ENDPOINTS: z.boolean().default(false),
  RATE_LIMITS: z.object({ LOGIN: RateLimit.optional(), API: RateLimit.optional() }).strict()
    .default({}),
  STORE: StoreSchema.default({ TYPE: "sqlite", PATH: "./data/stethoscope.db" }),
  SNAPSHOTS: SnapshotsSchema.default(SnapshotsSchema.parse({})),
  BUDGETS: BudgetsSchema.default(BudgetsSchema.parse({})),
  RELEASE_DATA: ReleaseDataSchema.default(ReleaseDataSchema.parse({})),
  NUDGES: NudgesSchema.default(NudgesSchema.parse({})),
  UI: UiSchema.default(UiSchema.parse({})),
}).strict();

/** The validated configuration as the app sees it. */
export type Config = z.infer<typeof ConfigSchema> & {
  /** True when no file was given: built-in demo people, demo sign-in, labelled on every page. */
  readonly demo: boolean;
};

/** The release-data settings. */
export type ReleaseDataConfig = z.infer<typeof ReleaseDataSchema>;

/** The nudge settings. */
export type NudgesConfig = z.infer<typeof NudgesSchema>;

/** The UI settings. */
export type UiConfig = z.infer<typeof UiSchema>;

/** Keys whose values are never printed. */
export const SECRET_KEY_RE = /PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$|^KEY$|APIKEY|API_KEY/i;
