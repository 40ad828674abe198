/**
 * The only module that touches `node:sqlite`: opens the file (WAL, the durability pragma, a busy
 * timeout), runs the schema's migrations, and runs a function in one `BEGIN IMMEDIATE` transaction.
 * `node:sqlite` is loaded here, lazily, while exactly one warning is dropped: its
 * ExperimentalWarning. Replacing the store means replacing this module and store.ts.
 */
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { assertEngineNode } from "../node-version.ts";
import { migrate } from "./schema.ts";
import { startWalCheckpointer } from "./wal-checkpointer.ts";

export type Statement = StatementSync;
export type Durability = "normal" | "full";

export interface Database {
  readonly path: string;
  prepare(sql: string): Statement;
  exec(sql: string): void;
  /** Runs `fn` in one transaction: all of its writes commit together, or none (it throws). */
  transaction<T>(fn: () => T): T;
  /** Inside a transaction: `fn`'s writes are undone if it throws, and the transaction goes on. */
  savepoint<T>(fn: () => T): T;
  close(): Promise<void>;
}

type SqliteModule = typeof import("node:sqlite");
let sqlite: SqliteModule | undefined;

function loadSqlite(): SqliteModule {
  if (sqlite) return sqlite;
  assertEngineNode();
  const emit = process.emitWarning;
  process.emitWarning = function (this: typeof process, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning as Error).name;
    if (type === "ExperimentalWarning" && message.startsWith("SQLite is an experimental feature")) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    sqlite = createRequire(import.meta.url)("node:sqlite") as SqliteModule;
  } finally {
    process.emitWarning = emit;
  }
  return sqlite;
}

export function openDatabase(path: string, durability: Durability = "normal"): Database {
  const { DatabaseSync: Sqlite } = loadSqlite();
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db: DatabaseSync = new Sqlite(path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${durability === "full" ? "FULL" : "NORMAL"}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536;`);
  // A file's WAL is checkpointed by another thread (wal-checkpointer.ts), never in a request.
  if (path !== ":memory:") db.exec("PRAGMA wal_autocheckpoint = 0");
  let depth = 0;
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  const savepoint = db.prepare("SAVEPOINT request");
  const release = db.prepare("RELEASE request");
  const undo = db.prepare("ROLLBACK TO request");
  const database: Database = {
    path,
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    transaction<T>(fn: () => T): T {
      if (depth > 0) return fn();
      begin.run();
      depth++;
      try {
        const value = fn();
        commit.run();
        return value;
      } catch (error) {
        rollback.run();
        throw error;
      } finally {
        depth--;
      }
    },
    savepoint<T>(fn: () => T): T {
      savepoint.run();
      try {
        const value = fn();
        release.run();
        return value;
      } catch (error) {
        undo.run();
        release.run();
        throw error;
      }
    },
    close: async () => {
      await checkpointer?.stop();
      db.close();
    },
  };
  try {
    migrate(database);
  } catch (error) {
    db.close();
    throw error;
  }
  const checkpointer = path === ":memory:" ? undefined : startWalCheckpointer(path);
  return database;
}
