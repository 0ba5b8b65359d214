/**
 * An Apple-silicon Mac on APFS: Jamf Pro lists every volume of the container as a partition
 * typed `boot`, `other` or `recovery`; Preboot, VM, Update and Recovery are never FileVault-
 * encrypted, so judging "every partition" called an encrypted Mac unencrypted. Sources: the
 * Jamf Pro 11.6.1 API schema as recorded in PixarAnimationStudios/ruby-jss
 * (lib/jamf/api/jamf_pro/oapi_schemas_old/computer_partition.rb: partition types BOOT, RECOVERY,
 * OTHER; `fileVault2State` per partition) and APFS volume roles (Preboot, VM, Recovery carry no
 * FileVault). Fixture: fixtures/jamf-computer-apfs-volumes.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { realworldFixture } from "./fixture.ts";
import { emptyJamf } from "./jamf_support.ts";

const computer = await realworldFixture("jamf-computer-apfs-volumes.json");

Deno.test("an APFS Mac whose boot volume is encrypted is encrypted", async () => {
  const { fake, plugin } = await emptyJamf();
  try {
    fake.computers.set(7, computer);
    fake.users.set("Bob Example", [7]);
    fake.emails.set("Bob Example", "bob@example.com");
    const [record] = await plugin.devicesByEmail!("bob@example.com", {
      signal: new AbortController().signal,
    });
    const [judged] = applyPractices([record!], buildPracticeSet(DEFAULT_PRACTICES));
    assert.deepEqual(
      [judged?.practices?.encryption?.value, judged?.practices?.encryption?.status],
      [true, "ok"],
    );
    assert.equal(
      judged?.practices?.encryption?.details,
      "Macintosh HD (Boot Partition): Encrypted (100%)",
    );
    assert.equal(judged?.practices?.firewall?.status, "ok");
  } finally {
    await fake.close();
  }
});
