/**
 * API bearer tokens (JWT): minting for `main.ts token`, and verification with the original's
 * status codes and messages (spec §8.1). Only the configured algorithm is accepted.
 *
 * @module
 */
import { errors, jwtVerify, SignJWT } from "jose";
import type { Config } from "../../config/schema.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";
import { foldsIntoAscii, isPrivileged } from "../signin/privilege.ts";

/** A refused credential: the status and message the API answers with. */
export class AuthFailure extends Error {
  override name = "AuthFailure";
  readonly status: 400 | 401 | 403;
  /** @param status HTTP status  @param message the original's message */
  constructor(status: 400 | 401 | 403, message: string) {
    super(message);
    this.status = status;
  }
}

/** Plain words for the claim rules jose reports (`claim:reason` or `claim`). */
const CLAIM_PROBLEMS: Record<string, string> = {
  "exp:missing": "no expiry",
  "aud": "wrong audience",
  "aud:missing": "no audience",
  "iss": "wrong issuer",
  "iss:missing": "no issuer",
};

/** Who a verified token speaks for, and whether the current configuration privileges them. */
export interface TokenIdentity {
  email: string;
  /** `isPrivileged()` of the email (and the token's `groups` claim) under the current config. */
  privileged: boolean;
}

function key(config: Config): Uint8Array {
  if (!config.JWT_SECRET_KEY) {
    throw new AuthFailure(401, "Authorization Required: API tokens are not configured.");
  }
  return new TextEncoder().encode(config.JWT_SECRET_KEY);
}

/**
 * Mints a token the API accepts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoConfig } from "../../config/demo.ts";
 * const config = demoConfig(); // a random JWT_SECRET_KEY
 * const now = new Date("2026-12-07T09:00:00Z");
 * const jwt = await mintToken(config, { email: "fry@example.com", seconds: 86_400, now });
 * const identity = await verifyToken(config, jwt, now);
 * assert.deepEqual(identity, { email: "fry@example.com", privileged: false });
 * const tomorrow = new Date("2026-12-08T09:10:00Z");
 * await assert.rejects(verifyToken(config, jwt, tomorrow), {
 *   status: 401,
 *   message: "JWT Error: Token is expired.",
 * });
 * ```
 */
export async function mintToken(
  config: Config,
  options: { email: string; seconds?: number; now?: Date },
): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const lifetime = options.seconds ?? config.JWT_EXPIRATION_DELTA;
  if (lifetime > config.JWT_MAX_LIFETIME) {
    throw new RangeError(
      `A token lifetime of ${lifetime} s is longer than JWT_MAX_LIFETIME (${config.JWT_MAX_LIFETIME} s); the API would refuse it`,
    );
  }
  const jwt = new SignJWT({ email: options.email })
    .setProtectedHeader({ alg: config.JWT_ALGORITHM, typ: "JWT" })
    .setSubject(options.email)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + lifetime);
  if (config.JWT_AUDIENCE !== undefined) jwt.setAudience(config.JWT_AUDIENCE);
  if (config.JWT_ISSUER !== undefined) jwt.setIssuer(config.JWT_ISSUER);
  return await jwt.sign(key(config));
}

/**
 * Verifies an `Authorization` header value.
 *
 * @throws {AuthFailure} with the original's status and message
 */
export async function verifyAuthorization(
  config: Config,
  header: string | undefined,
  now: Date,
): Promise<TokenIdentity> {
  if (header === undefined || header === "") {
    throw new AuthFailure(401, "Authorization Required: No authorization provided.");
  }
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2) {
    throw new AuthFailure(400, "Invalid Authorization Header: Header is improperly formatted.");
  }
  if (parts[0] !== "Bearer") {
    const type = parts[0]!.slice(0, 40).replace(/[^\x20-\x7e]/g, "?");
    throw new AuthFailure(
      400,
      `Invalid Authorization Header: Authorization type (${type}) is invalid.`,
    );
  }
  return await verifyToken(config, parts[1]!, now);
}

/**
 * Verifies a token (RFC 7519): signature with the configured algorithm only; `exp` required;
 * `exp`, `nbf` and `iat` (not in the future) with `JWT_LEEWAY` seconds of tolerance; a lifetime
 * (`exp` − `iat`, or − now without `iat`) of at most `JWT_MAX_LIFETIME`; `aud` / `iss` equal to
 * `JWT_AUDIENCE` / `JWT_ISSUER` when those are set.
 *
 * @throws {AuthFailure} 401 with the original's message ("Token is expired.", "Token could not
 *   be decoded.", "Token is invalid.") — the last one naming the rule a valid signature broke
 */
export async function verifyToken(
  config: Config,
  token: string,
  now: Date,
): Promise<TokenIdentity> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(config), {
      algorithms: [config.JWT_ALGORITHM],
      clockTolerance: config.JWT_LEEWAY,
      currentDate: now,
      requiredClaims: ["exp"],
      ...(config.JWT_AUDIENCE !== undefined ? { audience: config.JWT_AUDIENCE } : {}),
      ...(config.JWT_ISSUER !== undefined ? { issuer: config.JWT_ISSUER } : {}),
    }));
  } catch (error: unknown) {
    if (error instanceof errors.JWTExpired) {
      throw new AuthFailure(401, "JWT Error: Token is expired.");
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
      throw new AuthFailure(401, "JWT Error: Token could not be decoded.");
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      const why = CLAIM_PROBLEMS[`${error.claim}:${error.reason}`] ?? CLAIM_PROBLEMS[error.claim];
      if (why) throw new AuthFailure(401, `JWT Error: Token is invalid (${why}).`);
    }
    throw new AuthFailure(401, "JWT Error: Token is invalid.");
  }
  const nowS = now.getTime() / 1000;
  const exp = payload.exp as number;
  if (typeof payload.iat === "number" && payload.iat > nowS + config.JWT_LEEWAY) {
    throw new AuthFailure(401, "JWT Error: Token is invalid (issued in the future).");
  }
  const from = typeof payload.iat === "number" ? payload.iat : nowS;
  if (exp - from > config.JWT_MAX_LIFETIME) {
    throw new AuthFailure(
      401,
      "JWT Error: Token is invalid (it lives longer than JWT_MAX_LIFETIME allows).",
    );
  }
  const email = typeof payload.email === "string"
    ? payload.email
    : typeof payload.sub === "string" && isValidEmail(payload.sub)
    ? payload.sub
    : undefined;
  // An address that Unicode lower-casing would turn into another (U+212A KELVIN SIGN → "k")
  // would be read as that person by the inventories: refused (privilege.ts foldsIntoAscii).
  if (email === undefined || foldsIntoAscii(email)) {
    throw new AuthFailure(401, "JWT Error: Token is invalid.");
  }
  const groups = Array.isArray(payload.groups)
    ? payload.groups.filter((g): g is string => typeof g === "string")
    : [];
  // Never a claim of the token itself: a token stays privileged only while the current
  // configuration lists its email (or one of its groups).
  return { email, privileged: isPrivileged(config, { email, groups }) };
}
