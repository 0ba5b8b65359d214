/**
 * Sign-in pages: the provider button (OIDC), the demo person picker, the page shown when sign-in
 * is not configured, and the page of a refused sign-in.
 *
 * @module
 */
import type { Child } from "hono/jsx";

/** One demo person on the picker. */
export interface DemoChoice {
  email: string;
  name: string;
  story: string;
}

/** The demo sign-in page: one button per demo person. */
export function DemoLogin(
  props: { people: readonly DemoChoice[]; next: string; csrf: string | undefined },
): Child {
  return (
    <>
      <h1>Sign in</h1>
      <div class="panel">
        <p>
          This is a demo. Choose a person to see Stethoscope as they would; no password is needed.
        </p>
        <form method="post" action="/login/demo">
          <input type="hidden" name="next" value={props.next} />
          {props.csrf && <input type="hidden" name="_csrf_token" value={props.csrf} />}
          <ul class="people">
            {props.people.map((p) => (
              <li>
                <button type="submit" name="email" value={p.email}>
                  <strong>{p.name}</strong> ({p.email}): {p.story}
                </button>
              </li>
            ))}
          </ul>
        </form>
      </div>
    </>
  );
}

/** The OIDC sign-in page: one button leading to the provider. */
export function LoginWithProvider(props: { provider: string; href: string }): Child {
  return (
    <>
      <h1>Sign in</h1>
      <div class="panel">
        <p>Sign in with your work account to see the security state of your devices.</p>
        <p>
          <a class="btn primary" href={props.href}>Sign in with {props.provider}</a>
        </p>
      </div>
    </>
  );
}

/** Shown by `/login` when no sign-in method is configured. */
export function LoginNotConfigured(): Child {
  return (
    <>
      <h1>Sign-in is not configured</h1>
      <div class="panel">
        <p>
          This Stethoscope has no sign-in method. An operator needs to set{" "}
          <code>LOGIN_MANAGER</code> to <code>"oidc"</code> with the <code>OIDC_*</code>{" "}
          settings in the configuration file.
        </p>
      </div>
    </>
  );
}

/**
 * A sign-in that was refused, with the reason in plain words. `retry: false` (a misconfigured
 * sign-in, which trying again cannot fix) leaves out the "Try again" button.
 */
export function LoginRefused(
  props: { reason: string; title?: string; retry?: boolean },
): Child {
  return (
    <>
      <h1>{props.title ?? "Sign-in failed"}</h1>
      <div class="panel callout" role="alert">
        <p>{props.reason}</p>
        {props.retry === false ? null : (
          <p>
            <a class="btn primary" href="/login">Try again</a>
          </p>
        )}
      </div>
    </>
  );
}

/** Asks to confirm signing out (a GET of /logout). */
export function SignOut(): Child {
  return (
    <>
      <h1>Sign out</h1>
      <div class="panel">
        <form method="post" action="/logout">
          <button type="submit" class="primary">Sign out of Stethoscope</button>
        </form>
      </div>
    </>
  );
}
