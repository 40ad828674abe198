/**
 * The store's schema, versioned with `PRAGMA user_version`: `STEPS[i]` takes a database from
 * version i to i + 1, each step in its own transaction. A database above the last version was
 * written by a newer use-durable and is refused, never touched. Add a step to change the schema;
 * never edit a released one.
 */
import { EngineError, EngineErrorCode } from "../engine-error.ts";
import type { Database } from "./database.ts";

const STEPS: readonly string[] = [
  `
  CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    arn TEXT NOT NULL UNIQUE,
    functionName TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT,
    result TEXT,
    error TEXT,
    startMs INTEGER NOT NULL,
    endMs INTEGER,
    timeoutSeconds INTEGER NOT NULL,
    executionOpId TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    nextOrd INTEGER NOT NULL DEFAULT 0,
    lastEventId INTEGER NOT NULL DEFAULT 0,
    token TEXT,
    tokenSeq INTEGER NOT NULL DEFAULT 0,
    invocationToken TEXT,
    deliveredSeq INTEGER NOT NULL DEFAULT 0,
    ready INTEGER NOT NULL DEFAULT 0,
    invocationId TEXT,
    invocationStartMs INTEGER,
    failedAttempts INTEGER NOT NULL DEFAULT 0,
    parentArn TEXT,
    parentOpId TEXT
  );
  CREATE UNIQUE INDEX executions_by_name ON executions (functionName, name);
  CREATE INDEX executions_by_start ON executions (functionName, startMs);
  CREATE INDEX executions_ready ON executions (ready) WHERE ready = 1;
  CREATE INDEX executions_invoking ON executions (invocationId) WHERE invocationId IS NOT NULL;
  CREATE TABLE operations (
    execution INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (execution, ord)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX operations_by_id ON operations (execution, id);
  CREATE INDEX operations_by_seq ON operations (execution, seq);
  CREATE TABLE events (
    execution INTEGER NOT NULL,
    eventId INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (execution, eventId)
  ) WITHOUT ROWID;
  CREATE TABLE timers (
    arn TEXT NOT NULL,
    opId TEXT NOT NULL,
    kind TEXT NOT NULL,
    dueMs INTEGER NOT NULL,
    PRIMARY KEY (arn, opId, kind)
  ) WITHOUT ROWID;
  CREATE INDEX timers_by_due ON timers (dueMs);
  CREATE TABLE callbacks (
    callbackId TEXT PRIMARY KEY,
    arn TEXT NOT NULL,
    opId TEXT NOT NULL,
    heartbeatSeconds INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE clientTokens (
    arn TEXT NOT NULL,
    clientToken TEXT NOT NULL,
    requestToken TEXT NOT NULL,
    issuedToken TEXT,
    fromSeq INTEGER NOT NULL,
    atMs INTEGER NOT NULL,
    PRIMARY KEY (arn, clientToken)
  ) WITHOUT ROWID;
  CREATE TABLE chained (
    arn TEXT NOT NULL,
    opId TEXT NOT NULL,
    functionName TEXT NOT NULL,
    payload TEXT,
    childArn TEXT,
    PRIMARY KEY (arn, opId)
  ) WITHOUT ROWID;
  CREATE INDEX chained_by_child ON chained (childArn) WHERE childArn IS NOT NULL;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 1 -> 2: operations_by_seq cost every operation write a page; its only readers (an invocation's
  // start and end, a ClientToken replay, a checkpoint after outside changes) read one execution's
  // operations, which the primary key (execution, ord) already ranges over, in the order they want.
  `
  DROP INDEX operations_by_seq;
  `,
];

export const SCHEMA_VERSION = STEPS.length;

/**
 * The oldest schema a read-only reader (a report on a file an older engine wrote, which it must not
 * migrate) can read as it is: the steps after it only changed indexes, never a table a reader reads.
 * Raise it with a step that changes what readers read.
 */
export const OLDEST_READABLE_SCHEMA = 1;

export function migrate(db: Database): void {
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  if (version > SCHEMA_VERSION) {
    throw new EngineError(
      EngineErrorCode.DB_NEWER,
      `${db.path} was written by a newer use-durable (schema ${version}; this version knows up to ${SCHEMA_VERSION}). ` +
        `Upgrade use-durable, or move the file away to start with an empty store.`,
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(STEPS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
}
