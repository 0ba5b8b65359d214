/**
 * What every route can reach: the wired services and the signed-in person.
 *
 * @module
 */
import type { Context } from "hono";
import type { Logger } from "../config/log.ts";
import type { Config } from "../config/schema.ts";
import type { Engine } from "../engine/engine.ts";
import type { FailureLogger, RequestLogger } from "../engine/core/ports.ts";
import type { Store } from "../engine/core/store_ports.ts";
import type { Collected, Notification } from "../engine/core/types.ts";
import type { Metrics } from "./ops/metrics.ts";
import type { OidcClient } from "./signin/oidc_client.ts";
import type { ReleaseStatus } from "../plugins/releases/mod.ts";
import type { NotificationState } from "../views/notifications.tsx";
import type { PersonView, PersonVisit } from "../engine/view/view.ts";

/** One person's data as the pages show it. */
export interface PersonData {
  /** Devices and accounts (and the sources that failed for them). */
  view: PersonView;
  notifications: Collected<Notification>;
  states: Map<string, NotificationState>;
}

/** The signed-in person. */
export interface User {
  email: string;
  privileged: boolean;
  /** How the request was authenticated. */
  via: "session" | "token";
  /** Double-submit token of the session (absent for bearer tokens). */
  csrf?: string;
}

/** The services the app is built from (wired by main.ts, or by tests). */
export interface AppDeps {
  config: Config;
  engine: Engine;
  store: Store;
  log: Logger;
  now: () => Date;
  /** Names of the feedback sinks every answer is queued for. */
  feedbackSinks: readonly string[];
  requestLoggers: readonly RequestLogger[];
  failureLoggers: readonly FailureLogger[];
  metrics: Metrics;
  /** The OpenID provider client, when wired by the caller (else one per configuration). */
  oidcClient?: OidcClient;
  /** The OS release data's origin and age (dashboard); absent in tests that do not need it. */
  releaseStatus?: () => ReleaseStatus;
  /**
   * The people the demo sign-in page lists and accepts (demo mode only; `Services.demoPeople`, or
   * a test's own, e.g. a fake upstream's user). None when absent.
   */
  demoPeople?: readonly { email: string; name: string; story: string }[];
  /** Names of the configured nudge channels (`slack`, `email`); none when absent. */
  nudgeChannels?: readonly string[];
}

/** Hono environment of the app. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    user: User | null;
    secureHeadersNonce?: string;
    /** Notifications already looked up in this request, by email (see `notificationsOf`). */
    notificationLookups?: Map<string, Promise<Collected<Notification>>>;
    /** Each person's visit in this request: one snapshot read (see `visitOf`). */
    personVisits?: Map<string, PersonVisit>;
    /** Store reads made once in this request, by what and whom (see `person_data.ts`). */
    requestReads?: Map<string, Promise<unknown>>;
    /** Everything the pages show about a person, looked up in this request (see `personData`). */
    personLookups?: Map<string, Promise<PersonData>>;
  };
}

/** A Hono context of this app. */
export type Ctx = Context<AppEnv>;

/**
 * Whether the request wants a fragment: `HX-Request: true` and not a full-page htmx request.
 * Always adds `Vary: HX-Request, HX-Request-Type` so caches keep the two shapes apart.
 */
export function wantsFragment(c: Ctx): boolean {
  c.header("Vary", "HX-Request, HX-Request-Type", { append: true });
  return c.req.header("HX-Request") === "true" && c.req.header("HX-Request-Type") !== "full";
}
