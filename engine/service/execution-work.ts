/**
 * One command's changes to one execution, inside the command's transaction: operations written
 * (each new one gets the next creation order, every one the command's change number), history
 * events numbered in order, timers set and dropped, the execution's own columns. `commit()`
 * writes the execution row last and returns what changed, for the listeners told after commit.
 */
import type { ExecutionRecord, Store, StoredEvent, StoredOperation, TimerKind } from "../store/store.ts";
import type { EventDraft } from "./history-events.ts";

export interface ExecutionChange {
  arn: string;
  execution: ExecutionRecord;
  operations: StoredOperation[];
  events: StoredEvent[];
}

export class ExecutionWork {
  readonly store: Store;
  readonly execution: ExecutionRecord;
  readonly now: number;
  private readonly changes: Partial<ExecutionRecord> = {};
  private readonly operations = new Map<string, StoredOperation>();
  /** Operations read or written in this command, with their creation order (null: not stored). */
  private readonly rows = new Map<string, { ord: number; operation: StoredOperation } | null>();
  private readonly events: StoredEvent[] = [];
  private bumped = false;
  private readonly onTimers: () => void;

  constructor(store: Store, execution: ExecutionRecord, now: number, onTimers: () => void = () => {}) {
    this.store = store;
    this.execution = { ...execution };
    this.now = now;
    this.onTimers = onTimers;
  }

  get arn(): string {
    return this.execution.arn;
  }

  set<K extends keyof ExecutionRecord>(key: K, value: ExecutionRecord[K]): void {
    this.execution[key] = value;
    this.changes[key] = value;
  }

  /** The change number of this command (one per command, however many operations it writes). */
  get seq(): number {
    if (!this.bumped) {
      this.bumped = true;
      this.set("seq", this.execution.seq + 1);
    }
    return this.execution.seq;
  }

  operation(id: string): StoredOperation | undefined {
    return this.row(id)?.operation;
  }

  private row(id: string): { ord: number; operation: StoredOperation } | null {
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.store.operation(this.arn, id) ?? null;
      this.rows.set(id, row);
    }
    return row;
  }

  /** Writes an operation (once per command, at flush: a START and a SUCCEED in one request are one write). */
  putOperation(operation: StoredOperation): void {
    let ord = this.row(operation.Id)?.ord;
    if (ord === undefined) {
      ord = this.execution.nextOrd;
      this.set("nextOrd", ord + 1);
    }
    void this.seq; // takes this command's change number (once)
    this.rows.set(operation.Id, { ord, operation });
    this.operations.set(operation.Id, operation);
    this.unwritten.add(operation.Id);
  }

  private readonly unwritten = new Set<string>();

  /** Writes the operations changed so far; reads of the store's operation lists come after it. */
  flush(): void {
    for (const id of this.unwritten) {
      const row = this.rows.get(id)!;
      this.store.putOperation(this.arn, row.ord, this.execution.seq, row.operation);
    }
    this.unwritten.clear();
  }

  /** The operations this command wrote, in creation order. */
  written(): StoredOperation[] {
    return [...this.operations.keys()].map((id) => this.rows.get(id)!).sort((a, b) => a.ord - b.ord).map((row) => row.operation);
  }

  appendEvent(draft: EventDraft | undefined): void {
    if (!draft) return;
    const eventId = this.execution.lastEventId + 1;
    this.set("lastEventId", eventId);
    // The service's member order: type, subtype, id, operation id, name, time, parent, details.
    const { EventType, SubType, Id, Name, EventTimestamp, ParentId, ...details } = draft;
    const stored = { EventType, SubType, EventId: eventId, Id, Name, EventTimestamp, ParentId, ...details } as unknown as StoredEvent;
    for (const key of Object.keys(stored)) if ((stored as Record<string, unknown>)[key] === undefined) delete (stored as Record<string, unknown>)[key];
    this.store.appendEvent(this.arn, stored);
    this.events.push(stored);
  }

  setTimer(opId: string, kind: TimerKind, dueMs: number): void {
    this.store.setTimer({ arn: this.arn, opId, kind, dueMs });
    this.onTimers();
  }

  clearTimer(opId: string, kind: TimerKind): void {
    this.store.deleteTimer(this.arn, opId, kind);
    this.onTimers();
  }

  clearAllTimers(): void {
    this.store.deleteTimers(this.arn);
    this.onTimers();
  }

  /**
   * An operation changed outside an invocation (a timer, a callback, a chained target). An
   * execution with no invocation running becomes ready to invoke; a running one gets the change
   * in its next checkpoint response, or is invoked again when it answers PENDING without it.
   */
  changedOutside(): void {
    if (this.execution.status === "RUNNING" && this.execution.invocationId === null && this.execution.ready !== 1) this.set("ready", 1);
  }

  commit(): ExecutionChange {
    this.flush();
    this.store.updateExecution(this.arn, this.changes);
    return { arn: this.arn, execution: this.execution, operations: [...this.operations.values()], events: this.events };
  }
}
