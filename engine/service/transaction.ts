/**
 * A command's transaction: the executions it touches (an ExecutionWork each, loaded once), the
 * plain chained calls it asks for, and, once committed, the changes the service tells its
 * listeners about. Nothing is told before the commit, so a listener never sees a change that a
 * rollback then undid.
 */
import type { ChainedRecord, Store } from "../store/store.ts";
import type { Clock } from "./clock.ts";
import type { ExecutionChange } from "./execution-work.ts";
import { ExecutionWork } from "./execution-work.ts";
import { notFound } from "./service-error.ts";

export interface Committed {
  changes: ExecutionChange[];
  plainCalls: ChainedRecord[];
  /** True when timers were set or dropped: the scheduler re-reads the next one. */
  timersChanged: boolean;
}

export class Transaction {
  readonly store: Store;
  readonly now: number;
  private readonly works = new Map<string, ExecutionWork>();
  readonly plainCalls: ChainedRecord[] = [];
  timersChanged = false;

  constructor(store: Store, clock: Clock) {
    this.store = store;
    this.now = clock.now();
  }

  /** The execution's work in this transaction; an unknown ARN is the service's ResourceNotFoundException. */
  work(arn: string): ExecutionWork {
    let work = this.works.get(arn);
    if (!work) {
      const record = this.store.execution(arn);
      if (!record) throw notFound(`Durable execution not found: ${arn}`);
      work = new ExecutionWork(this.store, record, this.now, () => (this.timersChanged = true));
      this.works.set(arn, work);
    }
    return work;
  }

  commit(): Committed {
    const changes = [...this.works.values()].map((w) => w.commit());
    return { changes, plainCalls: this.plainCalls, timersChanged: this.timersChanged };
  }
}

export function runTransaction<T>(store: Store, clock: Clock, fn: (tx: Transaction) => T): { value: T; committed: Committed } {
  return store.transaction(() => {
    const tx = new Transaction(store, clock);
    const value = fn(tx);
    return { value, committed: tx.commit() };
  });
}

/**
 * Several commands in one transaction (group commit), each under its own savepoint: a command that
 * throws leaves no write behind and the others still commit; nothing is answered before the commit.
 */
export function runGrouped<T>(store: Store, clock: Clock, fns: ReadonlyArray<(tx: Transaction) => T>): { outcomes: Array<{ value: T } | { error: unknown }>; committed: Committed } {
  return store.transaction(() => {
    const committed: Committed = { changes: [], plainCalls: [], timersChanged: false };
    const outcomes = fns.map((fn) => {
      try {
        return store.savepoint(() => {
          const tx = new Transaction(store, clock);
          const value = fn(tx);
          const done = tx.commit();
          committed.changes.push(...done.changes);
          committed.plainCalls.push(...done.plainCalls);
          committed.timersChanged ||= done.timersChanged;
          return { value };
        });
      } catch (error) {
        return { error };
      }
    });
    return { outcomes, committed };
  });
}
