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
import { EngineError, EngineErrorCode } from "../engine-error.ts";
import { migrate, OLDEST_READABLE_SCHEMA, SCHEMA_VERSION } from "./schema.ts";
import { startWalCheckpointer } from "./wal-checkpointer.ts";

export type Statement = StatementSync;
export type Durability = "normal" | "full";
/**
 * Who checkpoints a file's WAL: "thread" (the engine's default) a worker thread every 200 ms, off
 * the requests; "connection" SQLite itself on commit (its default, 1,000 pages), with no thread:
 * for stores opened and dropped by the hundred, as the simulation's engine crashes do, where a
 * thread per open costs more than the requests.
 */
export type WalCheckpoints = "thread" | "connection";

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

export function openDatabase(path: string, durability: Durability = "normal", walCheckpoints: WalCheckpoints = "thread"): Database {
  const { DatabaseSync: Sqlite } = loadSqlite();
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db: DatabaseSync = new Sqlite(path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${durability === "full" ? "FULL" : "NORMAL"}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536;`);
  // A file's WAL is checkpointed by another thread (wal-checkpointer.ts), never in a request.
  const threaded = path !== ":memory:" && walCheckpoints === "thread";
  if (threaded) db.exec("PRAGMA wal_autocheckpoint = 0");
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
  const checkpointer = threaded ? startWalCheckpointer(path) : undefined;
  return database;
}

/**
 * Opens an engine's file to read it only (a report while an engine may be running on it): never
 * creates, migrates or writes; the schema must be this version's. Transactions are refused.
 */
export function openDatabaseReadOnly(path: string): Database {
  const { DatabaseSync: Sqlite } = loadSqlite();
  let db: DatabaseSync;
  try {
    db = new Sqlite(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = 5000");
  } catch (error) {
    throw new EngineError(EngineErrorCode.DB_UNREADABLE, `${path} cannot be opened as an engine database (${(error as Error).message}).`);
  }
  let version: number;
  try {
    version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  } catch (error) {
    db.close();
    throw new EngineError(EngineErrorCode.DB_UNREADABLE, `${path} is not an engine database (${(error as Error).message}). Pass the .use-durable/engine.db a use-durable engine wrote.`);
  }
  if (version < OLDEST_READABLE_SCHEMA || version > SCHEMA_VERSION) {
    db.close();
    const why =
      version === 0
        ? "is not an engine database (it has no use-durable schema). Pass the .use-durable/engine.db a use-durable engine wrote"
        : version > SCHEMA_VERSION
          ? `was written by a newer use-durable (schema ${version}; this version knows up to ${SCHEMA_VERSION}). Upgrade use-durable`
          : `has an older schema (${version}; this version reads ${OLDEST_READABLE_SCHEMA} to ${SCHEMA_VERSION}). Start the engine on it once (use-durable dev) to migrate it`;
    throw new EngineError(version > SCHEMA_VERSION ? EngineErrorCode.DB_NEWER : EngineErrorCode.DB_UNREADABLE, `${path} ${why}.`);
  }
  const refuse = (): never => {
    throw new EngineError(EngineErrorCode.DB_UNREADABLE, `${path} is open to read only.`);
  };
  return {
    path,
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    transaction: refuse,
    savepoint: refuse,
    close: async () => db.close(),
  };
}
