/**
 * Typed reads and writes over the schema: executions, operations, history events, timers,
 * callbacks, client tokens, chained invokes and a small key-value table. Each method is one
 * prepared statement (or a few); none opens a transaction, the service does (`transaction`), so a
 * command's writes commit together. Operation and event bodies are JSON with epoch-ms timestamps.
 */
import type { ErrorObject, Operation } from "../../runtime/protocol/wire.ts";
import type { Database, Durability, Statement, WalCheckpoints } from "./database.ts";
import { openDatabase, openDatabaseReadOnly } from "./database.ts";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "STOPPED";

export interface ExecutionRecord {
  arn: string;
  functionName: string;
  name: string;
  status: ExecutionStatus;
  input: string | null;
  result: string | null;
  error: string | null;
  startMs: number;
  endMs: number | null;
  timeoutSeconds: number;
  executionOpId: string;
  seq: number;
  nextOrd: number;
  lastEventId: number;
  token: string | null;
  tokenSeq: number;
  invocationToken: string | null;
  deliveredSeq: number;
  ready: number;
  invocationId: string | null;
  invocationStartMs: number | null;
  failedAttempts: number;
  parentArn: string | null;
  parentOpId: string | null;
}

/** An operation as stored: the wire shape with timestamps in epoch ms. */
export type StoredOperation = Operation & { StartTimestamp?: number; EndTimestamp?: number };
/** A history event as stored: the wire shape with timestamps in epoch ms. */
export type StoredEvent = Record<string, unknown> & { EventType: string; EventId: number; EventTimestamp: number };

export interface OperationRow {
  id: string;
  ord: number;
  seq: number;
  operation: StoredOperation;
}

export interface TimerRecord {
  arn: string;
  opId: string;
  kind: TimerKind;
  dueMs: number;
}

export type TimerKind = "wait" | "retry" | "callback-timeout" | "callback-heartbeat" | "execution-timeout" | "invoke-retry";

export interface ClientTokenRecord {
  requestToken: string;
  issuedToken: string | null;
  fromSeq: number;
  atMs: number;
}

export interface CallbackRecord {
  arn: string;
  opId: string;
  heartbeatSeconds: number | null;
}

export interface ChainedRecord {
  arn: string;
  opId: string;
  functionName: string;
  payload: string | null;
  childArn: string | null;
}

const EXECUTION_COLUMNS = [
  "arn", "functionName", "name", "status", "input", "result", "error", "startMs", "endMs", "timeoutSeconds",
  "executionOpId", "seq", "nextOrd", "lastEventId", "token", "tokenSeq", "invocationToken", "deliveredSeq",
  "ready", "invocationId", "invocationStartMs", "failedAttempts", "parentArn", "parentOpId",
] as const;
const COLUMNS = EXECUTION_COLUMNS.join(", ");

export class Store {
  readonly db: Database;
  private readonly statements = new Map<string, Statement>();
  /** Operations and events are keyed by the execution's row id, not its (long) ARN: smaller pages. */
  private readonly rowIds = new Map<string, number>();
  /**
   * Running executions as last written, so a command does not read its execution's 24 columns back
   * (that read was a tenth of a checkpoint's time). Written through by insert and update, emptied by
   * any rollback (a command or a request's savepoint undone), and an execution leaves it when it
   * ends: it only ever holds what the database holds, for executions still running. One engine
   * process writes a file (the lock), so nothing else changes the rows under it.
   */
  private readonly running = new Map<string, ExecutionRecord>();

  constructor(path: string, durability?: Durability, access: "read-write" | "read-only" = "read-write", walCheckpoints?: WalCheckpoints) {
    this.db = access === "read-only" ? openDatabaseReadOnly(path) : openDatabase(path, durability, walCheckpoints);
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn);
    } catch (error) {
      this.running.clear();
      throw error;
    }
  }

  /** Inside a transaction: `fn`'s writes are undone if it throws (see Database.savepoint). */
  savepoint<T>(fn: () => T): T {
    try {
      return this.db.savepoint(fn);
    } catch (error) {
      this.running.clear();
      throw error;
    }
  }

  private remember(record: ExecutionRecord): void {
    if (record.status === "RUNNING") this.running.set(record.arn, record);
    else this.running.delete(record.arn);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  // executions

  insertExecution(record: ExecutionRecord): void {
    this.sql(`INSERT INTO executions (${EXECUTION_COLUMNS.join(", ")}) VALUES (${EXECUTION_COLUMNS.map((c) => `:${c}`).join(", ")})`).run(
      record as unknown as Record<string, string | number | null>,
    );
    this.remember({ ...record });
  }

  /** A copy of the execution's row (the caller may change it freely). */
  execution(arn: string): ExecutionRecord | undefined {
    const known = this.running.get(arn);
    if (known) return { ...known };
    const record = this.sql(`SELECT ${COLUMNS} FROM executions WHERE arn = ?`).get(arn) as ExecutionRecord | undefined;
    if (record) this.remember({ ...record });
    return record;
  }

  private rowId(arn: string): number {
    let id = this.rowIds.get(arn);
    if (id === undefined) {
      id = (this.sql("SELECT id FROM executions WHERE arn = ?").get(arn) as { id: number } | undefined)?.id ?? -1;
      if (id !== -1) this.rowIds.set(arn, id);
    }
    return id;
  }

  executionByName(functionName: string, name: string): ExecutionRecord | undefined {
    return this.sql(`SELECT ${COLUMNS} FROM executions WHERE functionName = ? AND name = ?`).get(functionName, name) as ExecutionRecord | undefined;
  }

  /** Writes the given columns of one execution. */
  updateExecution(arn: string, changes: Partial<Omit<ExecutionRecord, "arn">>): void {
    const keys = Object.keys(changes).sort();
    if (keys.length === 0) return;
    this.sql(`UPDATE executions SET ${keys.map((k) => `${k} = :${k}`).join(", ")} WHERE arn = :arn`).run({
      ...(changes as Record<string, string | number | null>),
      arn,
    });
    const known = this.running.get(arn);
    if (known) this.remember(Object.assign(known, changes));
  }

  listExecutions(functionName: string, reverse: boolean): ExecutionRecord[] {
    return this.sql(`SELECT ${COLUMNS} FROM executions WHERE functionName = ? ORDER BY startMs ${reverse ? "DESC" : "ASC"}, id ${reverse ? "DESC" : "ASC"}`).all(
      functionName,
    ) as unknown as ExecutionRecord[];
  }

  /** Every execution, or one function's, oldest first. */
  allExecutions(functionName?: string): ExecutionRecord[] {
    return (
      functionName === undefined
        ? this.sql(`SELECT ${COLUMNS} FROM executions ORDER BY startMs, id`).all()
        : this.sql(`SELECT ${COLUMNS} FROM executions WHERE functionName = ? ORDER BY startMs, id`).all(functionName)
    ) as unknown as ExecutionRecord[];
  }

  readyExecutions(limit: number, functionName?: string): ExecutionRecord[] {
    return (
      functionName === undefined
        ? this.sql(`SELECT ${COLUMNS} FROM executions WHERE ready = 1 AND status = 'RUNNING' ORDER BY id LIMIT ?`).all(limit)
        : this.sql(`SELECT ${COLUMNS} FROM executions WHERE ready = 1 AND status = 'RUNNING' AND functionName = ? ORDER BY id LIMIT ?`).all(functionName, limit)
    ) as unknown as ExecutionRecord[];
  }

  invokingExecutions(): ExecutionRecord[] {
    return this.sql(`SELECT ${COLUMNS} FROM executions WHERE invocationId IS NOT NULL`).all() as unknown as ExecutionRecord[];
  }

  // operations

  operation(arn: string, id: string): OperationRow | undefined {
    const row = this.sql("SELECT id, ord, seq, body FROM operations WHERE execution = ? AND id = ?").get(this.rowId(arn), id) as RawOperationRow | undefined;
    return row && toOperationRow(row);
  }

  /** Writes an operation: a new one at creation order `ord`, an existing one (same ord) replaced. */
  putOperation(arn: string, ord: number, seq: number, operation: StoredOperation): void {
    this.sql("INSERT INTO operations (execution, ord, id, seq, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (execution, ord) DO UPDATE SET seq = excluded.seq, body = excluded.body").run(
      this.rowId(arn), ord, operation.Id, seq, JSON.stringify(operation),
    );
  }

  /** Every operation in creation order. */
  operations(arn: string): OperationRow[] {
    return (this.sql("SELECT id, ord, seq, body FROM operations WHERE execution = ? ORDER BY ord").all(this.rowId(arn)) as unknown as RawOperationRow[]).map(toOperationRow);
  }

  /** Operations changed after `seq`, in creation order. */
  operationsChangedAfter(arn: string, seq: number): OperationRow[] {
    return (
      this.sql("SELECT id, ord, seq, body FROM operations WHERE execution = ? AND seq > ? ORDER BY ord").all(this.rowId(arn), seq) as unknown as RawOperationRow[]
    ).map(toOperationRow);
  }

  /** Whether the execution waits on anything the service will deliver: a wait, callback, chained invoke or step retry. */
  hasPendingOperation(arn: string): boolean {
    return (
      this.sql(
        `SELECT 1 FROM operations WHERE execution = ? AND (
           (json_extract(body, '$.Status') = 'STARTED' AND json_extract(body, '$.Type') IN ('WAIT', 'CALLBACK', 'CHAINED_INVOKE'))
           OR (json_extract(body, '$.Status') = 'PENDING' AND json_extract(body, '$.Type') = 'STEP')) LIMIT 1`,
      ).get(this.rowId(arn)) !== undefined
    );
  }

  // events

  appendEvent(arn: string, event: StoredEvent): void {
    this.sql("INSERT INTO events (execution, eventId, body) VALUES (?, ?, ?)").run(this.rowId(arn), event.EventId, JSON.stringify(event));
  }

  events(arn: string, afterId: number, limit: number, reverse: boolean): StoredEvent[] {
    const rows = reverse
      ? this.sql("SELECT body FROM events WHERE execution = ? AND eventId < ? ORDER BY eventId DESC LIMIT ?").all(this.rowId(arn), afterId, limit)
      : this.sql("SELECT body FROM events WHERE execution = ? AND eventId > ? ORDER BY eventId LIMIT ?").all(this.rowId(arn), afterId, limit);
    return (rows as Array<{ body: string }>).map((r) => JSON.parse(r.body) as StoredEvent);
  }

  // timers

  setTimer(timer: TimerRecord): void {
    this.sql("INSERT OR REPLACE INTO timers (arn, opId, kind, dueMs) VALUES (?, ?, ?, ?)").run(timer.arn, timer.opId, timer.kind, timer.dueMs);
  }

  deleteTimer(arn: string, opId: string, kind: TimerKind): void {
    this.sql("DELETE FROM timers WHERE arn = ? AND opId = ? AND kind = ?").run(arn, opId, kind);
  }

  deleteTimers(arn: string, opId?: string): void {
    if (opId === undefined) this.sql("DELETE FROM timers WHERE arn = ?").run(arn);
    else this.sql("DELETE FROM timers WHERE arn = ? AND opId = ?").run(arn, opId);
  }

  timer(arn: string, opId: string, kind: TimerKind): TimerRecord | undefined {
    return this.sql("SELECT * FROM timers WHERE arn = ? AND opId = ? AND kind = ?").get(arn, opId, kind) as TimerRecord | undefined;
  }

  nextTimer(): TimerRecord | undefined {
    return this.sql("SELECT * FROM timers ORDER BY dueMs, arn, opId, kind LIMIT 1").get() as TimerRecord | undefined;
  }

  dueTimers(nowMs: number, limit: number): TimerRecord[] {
    return this.sql("SELECT * FROM timers WHERE dueMs <= ? ORDER BY dueMs, arn, opId, kind LIMIT ?").all(nowMs, limit) as unknown as TimerRecord[];
  }

  // callbacks

  putCallback(callbackId: string, arn: string, opId: string, heartbeatSeconds: number | null): void {
    this.sql("INSERT INTO callbacks (callbackId, arn, opId, heartbeatSeconds) VALUES (?, ?, ?, ?)").run(callbackId, arn, opId, heartbeatSeconds);
  }

  callback(callbackId: string): CallbackRecord | undefined {
    return this.sql("SELECT arn, opId, heartbeatSeconds FROM callbacks WHERE callbackId = ?").get(callbackId) as CallbackRecord | undefined;
  }

  // client tokens

  clientToken(arn: string, clientToken: string): ClientTokenRecord | undefined {
    return this.sql("SELECT requestToken, issuedToken, fromSeq, atMs FROM clientTokens WHERE arn = ? AND clientToken = ?").get(arn, clientToken) as
      | ClientTokenRecord
      | undefined;
  }

  putClientToken(arn: string, clientToken: string, record: ClientTokenRecord): void {
    this.sql("INSERT OR REPLACE INTO clientTokens (arn, clientToken, requestToken, issuedToken, fromSeq, atMs) VALUES (?, ?, ?, ?, ?, ?)").run(
      arn, clientToken, record.requestToken, record.issuedToken, record.fromSeq, record.atMs,
    );
  }

  expireClientTokens(arn: string, beforeMs: number): void {
    this.sql("DELETE FROM clientTokens WHERE arn = ? AND atMs < ?").run(arn, beforeMs);
  }

  // chained invokes

  putChained(record: ChainedRecord): void {
    this.sql("INSERT OR REPLACE INTO chained (arn, opId, functionName, payload, childArn) VALUES (?, ?, ?, ?, ?)").run(
      record.arn, record.opId, record.functionName, record.payload, record.childArn,
    );
  }

  chained(arn: string, opId: string): ChainedRecord | undefined {
    return this.sql("SELECT * FROM chained WHERE arn = ? AND opId = ?").get(arn, opId) as ChainedRecord | undefined;
  }

  /** Plain (non-durable) chained calls whose operation is still STARTED: what a restart must call again. */
  plainChainedCalls(): ChainedRecord[] {
    return this.sql("SELECT * FROM chained WHERE childArn IS NULL").all() as unknown as ChainedRecord[];
  }

  deleteChained(arn: string, opId: string): void {
    this.sql("DELETE FROM chained WHERE arn = ? AND opId = ?").run(arn, opId);
  }

  // meta

  meta(key: string): string | undefined {
    return (this.sql("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }
}

interface RawOperationRow {
  id: string;
  ord: number;
  seq: number;
  body: string;
}

function toOperationRow(row: RawOperationRow): OperationRow {
  return { id: row.id, ord: row.ord, seq: row.seq, operation: JSON.parse(row.body) as StoredOperation };
}

export function parseError(text: string | null): ErrorObject | undefined {
  return text === null ? undefined : (JSON.parse(text) as ErrorObject);
}
