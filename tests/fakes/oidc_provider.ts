/**
 * A real, certified OpenID Provider on loopback: the npm `oidc-provider` package (panva; OpenID
 * Foundation certified, see https://openid.net/certification/) started on 127.0.0.1, port 0, with
 * its development login and consent pages, one confidential client and accounts the test chooses.
 * Unlike tests/fakes/oidc.ts (hand-written), every rule of the protocol here is the provider's:
 * discovery, PKCE, code single use, ID-token claims, key publication.
 *
 * `oidc-provider` states Node.js as its runtime and prints "Unsupported runtime" under Deno; it
 * runs on Deno's `node:http` compatibility all the same (checked with 9.13.3).
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

/** The claims of one account at the provider. */
export interface ProviderAccount {
  email: string;
  email_verified?: boolean;
  groups?: string[];
}

/** The running provider. */
export interface CertifiedProvider {
  /** The issuer, e.g. `http://127.0.0.1:41234`. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by id (the id is what the login form is given). */
  accounts: Map<string, ProviderAccount>;
  /**
   * Plays the person in the browser from the provider's authorize URL: signs in as `accountId`,
   * consents, and returns the redirect back to the app (absolute URL with `code` and `state`).
   */
  signInAs(authorizeUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

/** Cookies set by the provider during one browser visit (paths ignored: one visit, one jar). */
class Jar {
  #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.#cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  }
  get header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/**
 * Starts the provider.
 *
 * @param options the redirect URI of the app under test; `issuer`: what the provider calls itself
 *   (default: the URL it listens on)
 * @returns the running provider
 */
export async function startCertifiedProvider(
  options: { redirectUri: string; issuer?: string },
): Promise<CertifiedProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const accounts = new Map<string, ProviderAccount>();
  const clientId = "stethoscope";
  const clientSecret = "a-client-secret-for-the-certified-provider";
  const provider = new Provider(options.issuer ?? url, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [options.redirectUri],
      token_endpoint_auth_method: "client_secret_basic",
    }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "certified-1", use: "sig" }] },
    cookies: { keys: ["a-cookie-key-for-the-certified-provider"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], groups: ["groups"] },
    // Put the scope's claims into the ID token of the code flow too (the default keeps them for
    // the userinfo endpoint only, which Stethoscope does not call).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
  server.on("request", provider.callback());

  async function follow(res: Response, jar: Jar): Promise<URL> {
    jar.take(res);
    await res.body?.cancel();
    if (res.status < 300 || res.status > 399) throw new Error(`provider answered ${res.status}`);
    return new URL(res.headers.get("location")!, url);
  }

  return {
    url,
    clientId,
    clientSecret,
    accounts,
    async signInAs(authorizeUrl, accountId) {
      const jar = new Jar();
      const get = (u: URL | string) =>
        fetch(u, { redirect: "manual", headers: { Cookie: jar.header } });
      const post = (u: URL, form: Record<string, string>) =>
        fetch(u, {
          method: "POST",
          redirect: "manual",
          headers: { Cookie: jar.header, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(form),
        });
      let next = await follow(await get(authorizeUrl), jar);
      for (let step = 0; step < 6 && next.origin === url; step++) {
        if (next.pathname.startsWith("/interaction/")) {
          const page = await get(next);
          jar.take(page);
          const html = await page.text();
          const form = html.includes('name="login"')
            ? { prompt: "login", login: accountId, password: "any" }
            : { prompt: "consent" };
          next = await follow(await post(next, form), jar);
        } else {
          next = await follow(await get(next), jar);
        }
      }
      if (next.origin === url) throw new Error(`provider did not redirect back: ${next.href}`);
      return next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
