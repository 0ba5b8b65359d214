import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { linkAllowed, linkProblems } from "../../config/links.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";

const BASE = {
  SECRET_KEY: "links-test-session-key-0123456789abcdef",
  JWT_SECRET_KEY: "links-test-api-token-key-fedcba9876543210",
};
const FIREWALL = DEFAULT_PRACTICES.firewall!;

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig({ ...BASE, ...raw });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("UI links must be https: or http:, refused at start with the key's path", async (t) => {
  await t.step("javascript: in UI.slackLink", () => {
    assert.deepEqual(problems({ UI: { slackLink: "javascript:alert(document.cookie)" } }), [
      'UI.slackLink: expected an https: or http: link, a path on this site, or "#" for none; got "javascript:alert(document.cookie)"',
    ]);
  });
  await t.step("data: and file: in UI.faq.url", () => {
    assert.deepEqual(problems({ UI: { faq: { url: "data:text/html,<script>x</script>" } } }), [
      'UI.faq.url: expected an https: or http: link, a path on this site, or "#" for none; got "data:text/html,<script>x</script>"',
    ]);
    assert.deepEqual(problems({ UI: { faq: { url: "file:///etc/passwd" } } }), [
      'UI.faq.url: expected an https: or http: link, a path on this site, or "#" for none; got "file:///etc/passwd"',
    ]);
  });
  await t.step("web links pass", () => {
    assert.deepEqual(
      problems({
        UI: {
          slackLink: "https://example.slack.com/archives/C0123",
          faq: { url: "http://wiki.example.com/faq" },
        },
      }),
      [],
    );
  });
});

Deno.test("practice LINK and the links in DIRECTIONS are checked, mailto: only in directions", async (t) => {
  await t.step("LINK", () => {
    assert.deepEqual(
      problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: "javascript:void(0)" } } }),
      ['PRACTICES.firewall.LINK: expected an https: or http: link, a path on this site, or "#" for none; got "javascript:void(0)"'],
    );
    assert.deepEqual(
      problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: "mailto:it@example.com" } } }),
      ['PRACTICES.firewall.LINK: expected an https: or http: link, a path on this site, or "#" for none; got "mailto:it@example.com"'],
    );
  });
  await t.step("DIRECTIONS as one text and per OS", () => {
    const out = problems({
      PRACTICES: {
        firewall: {
          ...FIREWALL,
          DIRECTIONS: {
            macOS:
              "Ask [the IT team](mailto:it@example.com) or read [this](https://example.com/fw).",
            "Microsoft Windows": "Run [the fixer](vbscript:msgbox) or [mail us](mailto:nobody).",
          },
        },
        encryption: {
          ...DEFAULT_PRACTICES.encryption!,
          DIRECTIONS: "See [help](/help/disk).",
        },
      },
    });
    assert.deepEqual(out, [
      'PRACTICES.firewall.DIRECTIONS.Microsoft Windows: expected an https:, http: or mailto: link, got "vbscript:msgbox"',
      'PRACTICES.firewall.DIRECTIONS.Microsoft Windows: expected an https:, http: or mailto: link, got "mailto:nobody"',
      'PRACTICES.encryption.DIRECTIONS: expected an https:, http: or mailto: link, got "/help/disk"',
    ]);
  });
});

Deno.test("the shipped practices' links all pass", () => {
  assert.deepEqual(linkProblems({ PRACTICES: DEFAULT_PRACTICES }), []);
});

Deno.test("linkAllowed() by kind", () => {
  assert.equal(linkAllowed("https://example.com/x", "web"), true);
  assert.equal(linkAllowed("HTTPS://EXAMPLE.COM", "web"), true);
  assert.equal(linkAllowed("https://", "web"), false);
  assert.equal(linkAllowed("mailto:it@example.com", "web"), false);
  assert.equal(linkAllowed("mailto:it@example.com", "web or mail"), true);
  assert.equal(linkAllowed("mailto:it@example.com?subject=x", "web or mail"), true);
  assert.equal(linkAllowed(" javascript:alert(1)", "web or mail"), false);
  assert.equal(linkAllowed("//evil.example/x", "web"), false);
});

Deno.test('a configuration from the original ("LINK": "#" on every practice) starts; same-site paths pass', async (t) => {
  await t.step('"#" on every shipped practice, as the original ships them', () => {
    const practices = Object.fromEntries(
      Object.entries(DEFAULT_PRACTICES).map(([key, p]) => [key, { ...p, LINK: "#" }]),
    );
    assert.deepEqual(problems({ PRACTICES: practices }), []);
  });
  await t.step("a path on this site passes; a protocol-relative or backslash host does not", () => {
    assert.deepEqual(
      problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: "/help/firewall" } } }),
      [],
    );
    assert.deepEqual(
      problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: "//evil.example/x" } } }),
      [
        'PRACTICES.firewall.LINK: expected an https: or http: link, a path on this site, or "#" for none; got "//evil.example/x"',
      ],
    );
    assert.deepEqual(
      problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: "/\\evil.example" } } }),
      [
        'PRACTICES.firewall.LINK: expected an https: or http: link, a path on this site, or "#" for none; got "/\\\\evil.example"',
      ],
    );
  });
  await t.step("javascript:, data: and file: stay refused", () => {
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"]) {
      assert.deepEqual(problems({ PRACTICES: { firewall: { ...FIREWALL, LINK: bad } } }), [
        `PRACTICES.firewall.LINK: expected an https: or http: link, a path on this site, or "#" for none; got ${
          JSON.stringify(bad)
        }`,
      ]);
    }
  });
});

Deno.test("UI.passwordResetLink is a link setting by its type: javascript: refused, web links and paths pass", () => {
  assert.deepEqual(problems({ UI: { passwordResetLink: "javascript:alert(1)" } }), [
    'UI.passwordResetLink: expected an https: or http: link, a path on this site, or "#" for none; got "javascript:alert(1)"',
  ]);
  assert.deepEqual(problems({ UI: { passwordResetLink: "https://id.example.com/reset" } }), []);
  assert.deepEqual(problems({ UI: { passwordResetLink: "/help/password" } }), []);
});
