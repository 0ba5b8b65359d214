/**
 * How every operation of the SQLite store runs: refused once the store is closed, optionally in
 * one `BEGIN IMMEDIATE` transaction, and any SQLite failure turned into a `StoreError` that says
 * what was attempted, on which file, and what an operator can do about it. Its one reason to
 * change is how store failures are worded or how operations are isolated.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "./codec.ts";
import { errorMessage } from "../../lib/error_message.ts";

/**
 * Runs one store operation: `what` is the operation in words ("save a dismissal"), `fn` the
 * synchronous work; with `transaction` true, `fn` runs in one write transaction (`BEGIN
 * IMMEDIATE`) rolled back on failure; with `"read"`, in one read transaction (`BEGIN`), so its
 * queries see the file as of one moment even while other processes write. Resolves with `fn`'s
 * value; rejects with a `StoreError` (never throws synchronously).
 */
export type Runner = <T>(
  what: string,
  fn: () => T,
  transaction?: boolean | "read",
) => Promise<T>;

/** A database's {@link Runner} and the one way to close it. */
export interface SqliteRunner {
  run: Runner;
  /** Closes the database; later operations reject with "the store … is closed". Idempotent. */
  close(): Promise<void>;
}

/**
 * The runner of one open database.
 *
 * @param db the open database
 * @param path its file (or `:memory:`), named in every error
 * @returns `run` for the per-concern modules, and `close` for the store
 * @example Running a read
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * const { run, close } = sqliteRunner(new DatabaseSync(":memory:"), ":memory:");
 * assert.equal(await run("read a number", () => 42), 42);
 * await close();
 * ```
 */
export function sqliteRunner(db: DatabaseSync, path: string): SqliteRunner {
  let closed = false;
  const run: Runner = <T>(
    what: string,
    fn: () => T,
    transaction: boolean | "read" = false,
  ): Promise<T> => {
    if (closed) {
      return Promise.reject(new StoreError(`Cannot ${what}: the store "${path}" is closed`));
    }
    try {
      if (!transaction) return Promise.resolve(fn());
      db.exec(transaction === "read" ? "BEGIN" : "BEGIN IMMEDIATE");
      try {
        const value = fn();
        db.exec("COMMIT");
        return Promise.resolve(value);
      } catch (error: unknown) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    } catch (error: unknown) {
      const message = `Cannot ${what} in the store "${path}": ${explain(error)}`;
      return Promise.reject(new StoreError(message, { cause: error }));
    }
  };
  return {
    run,
    close() {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}

/**
 * `statement` set to return rows as arrays of column values (node:sqlite's `setReturnArrays`,
 * not in Deno's types yet): an object per row, with a property per column, made reading status
 * rows most of `observe()`'s cost (issue 24).
 *
 * @param statement a prepared statement
 * @returns the same statement
 */
export function arrays<T>(statement: T): T {
  (statement as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
  return statement;
}

/** SQLite's words plus what an operator can do about the common cases. */
function explain(error: unknown): string {
  const text = errorMessage(error);
  if (/readonly/i.test(text)) return `${text} (the file is read-only; make it writable)`;
  if (/disk is full|SQLITE_FULL/i.test(text)) return `${text} (free disk space)`;
  if (/locked|busy/i.test(text)) return `${text} (another process holds the lock)`;
  return text;
}
