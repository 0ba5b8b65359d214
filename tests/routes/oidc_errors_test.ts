/**
 * The provider's words in a token-endpoint refusal reach the log capped at 300 code points, the
 * client secret taken out first — capping first left the secret's start in the log when it sat
 * across the 300th place — and never half an emoji. The error is the shape openid-client's
 * `ResponseBodyError` has (oauth4webapi: `code` `OAUTH_RESPONSE_BODY_ERROR`, `status`, `error`,
 * `error_description`, RFC 6749 §5.2).
 *
 * @module
 */
import assert from "node:assert/strict";
import { signInProblem } from "../../routes/signin/oidc_errors.ts";

const SECRET = "s3cr3t-0123456789abcdefghijklmnop";

function refusal(description: string) {
  const error = Object.assign(new Error("server responded with an error in the response body"), {
    code: "OAUTH_RESPONSE_BODY_ERROR",
    status: 401,
    error: "invalid_client",
    error_description: description,
  });
  return signInProblem(error, "token endpoint", SECRET);
}

Deno.test("a secret across the 300th place of the provider's words is not in the log, even in part", () => {
  const got = refusal(`${"d".repeat(280)}${SECRET} was sent`); // the secret at 281 to 313
  assert.equal(got.status, 502);
  assert.equal(got.detail.error_description, `${"d".repeat(280)}[client secret] was `);
  assert.ok(!got.detail.error_description!.includes(SECRET.slice(0, 10)));
});

Deno.test("an emoji at the 300th place of the provider's words is kept whole", () => {
  const got = refusal(`${"d".repeat(299)}🔑 more`);
  assert.equal(got.detail.error_description, `${"d".repeat(299)}🔑`);
});
