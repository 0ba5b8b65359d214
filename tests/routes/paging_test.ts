/**
 * `?page=` of the security team's lists (issue 26): a page number is decimal digits from 1 to
 * 100,000 — `Number()` alone read `0x2`, ` 2`, `2e0`, `+2` and `2.0` as page 2, so one list had
 * many URLs and the audit records named pages no one wrote.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PAGE_REFUSAL, pageOf } from "../../routes/rendering/paging.ts";
import { demoWith, startApp } from "../support/app.ts";

Deno.test("pageOf() takes decimal digits from 1 to 100000 and nothing else", () => {
  const read = (raws: (string | undefined)[]) => raws.map((raw) => [raw, pageOf(raw)]);
  assert.deepEqual(read([undefined, "1", "2", "10", "99999", "100000"]), [
    [undefined, 1],
    ["1", 1],
    ["2", 2],
    ["10", 10],
    ["99999", 99999],
    ["100000", 100000],
  ]);
  const refused = [
    "0x2",
    " 2",
    "2 ",
    "2e0",
    "+2",
    "2.0",
    "02",
    "0",
    "-1",
    "",
    "0b10",
    "0o2",
    "２",
    "1_000",
    "100001",
    "9".repeat(400),
    "Infinity",
    "NaN",
  ];
  assert.deepEqual(read(refused), refused.map((raw) => [raw, null]));
});

Deno.test("a page written another way is refused in words, in the API and the pages", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["admin@example.com"] }) });
  try {
    const admin = await app.login("admin@example.com");
    assert.equal(PAGE_REFUSAL, '"page" is a whole number from 1 to 100000, in digits');
    for (const page of ["0x2", "%202", "2e0", "%2B2"]) {
      const api = await app.request(`/api/v1/exemptions?page=${page}`, { cookie: admin });
      assert.deepEqual([api.status, await api.json()], [400, { error: PAGE_REFUSAL, status: 400 }]);
      const html = await app.request(`/security/reports?page=${page}`, { cookie: admin });
      assert.equal(html.status, 400);
      assert.match(
        await html.text(),
        /&quot;page&quot; is a whole number from 1 to 100000, in digits\./,
      );
    }
    const two = await app.request("/api/v1/exemptions?page=2", { cookie: admin });
    assert.deepEqual(await two.json(), { page: 2, pageSize: 50, total: 0, exemptions: [] });
  } finally {
    await app.close();
  }
});
