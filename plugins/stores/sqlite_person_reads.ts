/**
 * The person read of the SQLite store (issue 24): a page view's snapshot, status history,
 * dismissals, answers and exemptions in **one SQL statement** — a `UNION ALL` of each concern's
 * rows (the tables of `sqlite_snapshots.ts`, `sqlite_statuses.ts`, `sqlite_feedback.ts`,
 * `sqlite_exemptions.ts`), each row tagged with its part. One statement is one read of the file as
 * of one moment (SQLite reads a statement in one implicit transaction), so no `BEGIN`/`COMMIT` is
 * run, and its rows come back as arrays. A concern a page view comes to need adds one arm here.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { PersonRead, PersonReadStore, StatusRow } from "../../engine/core/store_ports.ts";
import type { Status } from "../../engine/core/types.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import { observationKey } from "../../engine/view/since.ts";
import { decodeFeedback } from "./codec.ts";
import { decodeExemption } from "./security_codec.ts";
import { arrays, type Runner } from "./sqlite_runner.ts";
import { stampOf } from "./snapshot_codec.ts";

/** The part a row of {@link PERSON_READ} belongs to (its first column). */
const SNAPSHOT = 0, STATUS = 1, DISMISSED = 2, ANSWER = 3, EXEMPTION = 4;

/**
 * Every row a page view needs, six columns each: the part, then the part's own. `?1` is the
 * folded address (snapshots, device list, exemptions), `?2` the address as given (dismissals and
 * answers are keyed by it), `?3` 1 to read the status history, 0 not to. The status rows are a
 * join over the person's device list (`json_each`; `device IN (subquery)` built a temporary index
 * of the list first). No arm has an ORDER BY (SQLite may drop one in a compound's subquery): answers carry `seq`, exemptions
 * `granted_at` and `id`, and are put in order here.
 */
const PERSON_READ = `
SELECT ${SNAPSHOT}, collected_at, seen_at, body, NULL, NULL FROM snapshots WHERE email = ?1
UNION ALL
SELECT ${STATUS}, s.device, s.practice, s.status, s.since, s.seen_at
  FROM json_each((SELECT devices FROM person_devices WHERE email = ?1 AND ?3)) AS d
  JOIN status_observations AS s ON s.device = d.value
UNION ALL
SELECT ${DISMISSED}, notification_id, NULL, NULL, NULL, NULL FROM dismissals WHERE email = ?2
UNION ALL
SELECT ${ANSWER}, notification_id, body, seq, NULL, NULL FROM feedback WHERE email = ?2
UNION ALL
SELECT ${EXEMPTION}, body, granted_at, id, NULL, NULL FROM exemptions WHERE email = ?1`;

type Row = [part: number, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown];

/**
 * The person read of the SQLite store: one statement per page view (issue 24). Written as one
 * compound statement because the five statements in a `BEGIN`…`COMMIT` it replaced (two `exec`s
 * parsed again per view, a row object per row) took 16.4 µs CPU for the demo people's read where
 * this takes 11.6 (bench/README.md, seventh round).
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `read(email, options)`: the snapshot's stamp (decoded on demand), the status history of
 *   the devices the person's last recorded view observed (none with `statuses: false`), their
 *   dismissals, their latest answer per notification and their exemptions, oldest grant first;
 *   a `StoreError` when the file cannot be read
 */
export function sqlitePersonReads(db: DatabaseSync, run: Runner): PersonReadStore {
  const statement = arrays(db.prepare(PERSON_READ));
  return {
    read(email, options) {
      return run("read a person's page data", (): PersonRead => {
        const key = foldEmail(email);
        const rows = statement.all(key, email, options?.statuses === false ? 0 : 1) as unknown[];
        return personReadOf(rows as Row[], key);
      });
    },
  };
}

/** The rows of {@link PERSON_READ} as a `PersonRead`. */
function personReadOf(rows: Row[], key: string): PersonRead {
  const read: PersonRead = {
    snapshot: null,
    statuses: new Map<string, StatusRow>(),
    dismissed: new Set<string>(),
    answers: new Map<string, string>(),
    exemptions: [],
  };
  let answers: Row[] | undefined;
  let exemptions: Row[] | undefined;
  for (const row of rows) {
    const [part, a, b, c, d, e] = row;
    if (part === STATUS) {
      read.statuses.set(observationKey(a as string, b as string), {
        status: c as Status,
        since: new Date(d as number),
        seenAt: new Date(e as number),
      });
    } else if (part === SNAPSHOT) {
      read.snapshot = stampOf({ collected_at: a, seen_at: b, body: c }, key);
    } else if (part === DISMISSED) read.dismissed.add(String(a));
    else if (part === ANSWER) (answers ??= []).push(row);
    else (exemptions ??= []).push(row);
  }
  // the latest answer per notification: in the order they were given (`seq`)
  if (answers) {
    for (const [, id, body] of answers.sort((x, y) => Number(x[3]) - Number(y[3]))) {
      read.answers.set(String(id), decodeFeedback(String(body)).feedback);
    }
  }
  if (exemptions) read.exemptions = exemptionsInOrder(exemptions);
  return read;
}

/** Exemption rows (`body, granted_at, id`), oldest grant first, then by id (as SQLite orders). */
function exemptionsInOrder(rows: Row[]): Exemption[] {
  return rows.sort((x, y) => Number(x[2]) - Number(y[2]) || (String(x[3]) < String(y[3]) ? -1 : 1))
    .map((r) => decodeExemption(String(r[1])));
}
