/**
 * A fake OpenID Connect provider on 127.0.0.1, port 0: discovery, JWKS, an authorize endpoint that
 * redirects straight back with a code, and a token endpoint that checks the client secret (basic
 * or post) and the PKCE verifier before answering an ID token signed with a test RSA key. Tests
 * choose who signs in and how the next ID token is spoiled.
 *
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { json, type LoggedRequest, startFake } from "./server.ts";
import { encodeBase64Url } from "../../lib/base64url.ts";
import { sha256 } from "../../lib/sha256.ts";

/** Who signs in at the provider. */
export interface FakeUser {
  email?: string;
  email_verified?: boolean;
  groups?: string[];
  sub?: string;
}

/** How the next ID tokens are signed. */
export type Signing = "good" | "wrong-key" | "none" | "hs256";

/** The running fake. */
export interface FakeOidc {
  /** The issuer, e.g. `http://127.0.0.1:41234`. */
  url: string;
  clientId: string;
  clientSecret: string;
  requests: LoggedRequest[];
  /** Who signs in next. */
  user: FakeUser;
  /** Changes the claims of the next ID tokens (null = leave them). */
  tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null;
  signing: Signing;
  /** Makes `/authorize` redirect back with `?error=<code>` instead of a code. */
  authorizeError: string | null;
  /** Makes `/token` answer this status with `{"error": "server_error"}`. */
  tokenStatus: number | null;
  /** The provider's clock (set to the app's). */
  now: () => Date;
  /** How the client authenticated at the token endpoint, per exchange. */
  clientAuth: ("basic" | "post")[];
  /** Starts signing with a new key under a new `kid` (the old one leaves the JWKS). */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

async function newKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { privateKey, jwk, kid };
}

async function s256(verifier: string): Promise<string> {
  return encodeBase64Url(await sha256(verifier));
}

/**
 * Starts the fake provider.
 *
 * @param options client credentials and the auth methods discovery advertises
 * @returns the running fake
 */
export async function startFakeOidc(
  options: {
    clientId?: string;
    clientSecret?: string;
    authMethods?: string[];
  } = {},
): Promise<FakeOidc> {
  let key = await newKey("key-1");
  const otherKey = await newKey("key-1");
  let generation = 1;
  const codes = new Map<
    string,
    { challenge: string; nonce: string | null; redirectUri: string; user: FakeUser }
  >();

  const fake: FakeOidc = {
    url: "",
    clientId: options.clientId ?? "stethoscope",
    clientSecret: options.clientSecret ?? "client-secret-for-tests",
    requests: [],
    user: { email: "green@example.com", email_verified: true },
    tamper: null,
    signing: "good",
    authorizeError: null,
    tokenStatus: null,
    now: () => new Date(),
    clientAuth: [],
    async rotate() {
      generation++;
      key = await newKey(`key-${generation}`);
    },
    close: () => server.close(),
  };

  async function idToken(code: { nonce: string | null; user: FakeUser }): Promise<string> {
    const t = Math.floor(fake.now().getTime() / 1000);
    let claims: Record<string, unknown> = {
      iss: fake.url,
      aud: fake.clientId,
      sub: code.user.sub ?? `user-${code.user.email ?? "anonymous"}`,
      iat: t,
      exp: t + 300,
      ...(code.nonce !== null ? { nonce: code.nonce } : {}),
      ...(code.user.email !== undefined ? { email: code.user.email } : {}),
      ...(code.user.email_verified !== undefined
        ? { email_verified: code.user.email_verified }
        : {}),
      ...(code.user.groups ? { groups: code.user.groups } : {}),
    };
    if (fake.tamper) claims = fake.tamper(claims);
    switch (fake.signing) {
      case "none":
        return new UnsecuredJWT(claims).encode();
      case "hs256":
        return await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: key.kid })
          .sign(new TextEncoder().encode(fake.clientSecret));
      case "wrong-key":
        return await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid })
          .sign(otherKey.privateKey);
      default:
        return await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid })
          .sign(key.privateKey);
    }
  }

  function clientOf(req: LoggedRequest, form: URLSearchParams): [string, string] | null {
    const header = req.headers.get("authorization");
    if (header?.startsWith("Basic ")) {
      const [id, secret] = atob(header.slice(6)).split(":").map((s) =>
        decodeURIComponent(s.replace(/\+/g, " "))
      );
      fake.clientAuth.push("basic");
      return id !== undefined && secret !== undefined ? [id, secret] : null;
    }
    const id = form.get("client_id");
    const secret = form.get("client_secret");
    if (id === null || secret === null) return null;
    fake.clientAuth.push("post");
    return [id, secret];
  }

  const server = startFake(async (req) => {
    const { pathname, searchParams: q } = req.url;
    if (pathname === "/.well-known/openid-configuration") {
      return json({
        issuer: fake.url,
        authorization_endpoint: `${fake.url}/authorize`,
        token_endpoint: `${fake.url}/token`,
        jwks_uri: `${fake.url}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: options.authMethods ??
          ["client_secret_basic", "client_secret_post"],
      });
    }
    if (pathname === "/jwks") return json({ keys: [key.jwk] });
    if (pathname === "/authorize") {
      const redirectUri = q.get("redirect_uri");
      if (
        !redirectUri || q.get("client_id") !== fake.clientId || q.get("response_type") !== "code" ||
        q.get("code_challenge_method") !== "S256" || !q.get("code_challenge") ||
        !(q.get("scope") ?? "").split(" ").includes("openid")
      ) {
        return json({ error: "invalid_request" }, 400);
      }
      const back = new URL(redirectUri);
      if (fake.authorizeError) back.searchParams.set("error", fake.authorizeError);
      else {
        const code = crypto.randomUUID();
        codes.set(code, {
          challenge: q.get("code_challenge")!,
          nonce: q.get("nonce"),
          redirectUri,
          user: { ...fake.user },
        });
        back.searchParams.set("code", code);
      }
      const state = q.get("state");
      if (state !== null) back.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { Location: back.href } });
    }
    if (pathname === "/token" && req.method === "POST") {
      if (fake.tokenStatus !== null) return json({ error: "server_error" }, fake.tokenStatus);
      const form = new URLSearchParams(req.body);
      const client = clientOf(req, form);
      if (!client || client[0] !== fake.clientId || client[1] !== fake.clientSecret) {
        return json({ error: "invalid_client" }, 401);
      }
      const code = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (
        form.get("grant_type") !== "authorization_code" || !code ||
        form.get("redirect_uri") !== code.redirectUri ||
        await s256(form.get("code_verifier") ?? "") !== code.challenge
      ) {
        return json({ error: "invalid_grant" }, 400);
      }
      return json({
        access_token: crypto.randomUUID(),
        token_type: "Bearer",
        expires_in: 3600,
        id_token: await idToken(code),
      });
    }
    return json({ error: "not found" }, 404);
  });
  fake.url = server.url;
  fake.requests = server.requests;
  return fake;
}
