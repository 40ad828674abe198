/**
 * The runner's operation handles and their waits: a handle found by name, index or id is filled in
 * when its operation appears, and `waitForData` waits are resolved as operations change (a
 * waitForCallback context by its submitter step and its callback, as AWS's runner does). When a
 * run ends, the waits still open are rejected with AWS's message.
 */
import type { OperationEntry, OperationIndex } from "./operation-index.ts";
import type { OperationContext, TestOperation } from "./test-operation.ts";
import { statusMatches } from "./test-operation.ts";
import { WaitingOperationStatus } from "./types.ts";

export type Lookup = { id: string } | { name: string; index?: number } | { index: number };

interface Waiter {
  operation: TestOperation;
  status: WaitingOperationStatus;
  resolve(): void;
  reject(error: Error): void;
}

export class OperationWaits {
  private readonly tracked: Array<{ operation: TestOperation; lookup: Lookup }> = [];
  private waiters: Waiter[] = [];
  private index: OperationIndex | undefined;

  track(operation: TestOperation, lookup: Lookup): void {
    this.tracked.push({ operation, lookup });
    this.fill(operation, lookup);
  }

  /** Points every handle at a new run's operations (and forgets the last run's data). */
  attach(index: OperationIndex): void {
    this.index = index;
    for (const { operation } of this.tracked) operation.entry = undefined;
  }

  wait(operation: TestOperation, status: WaitingOperationStatus): Promise<void> {
    const error = new Error(
      `Operation was not found after execution completion. Expected status: ${status}. This typically means the operation was never executed or the test is waiting for the wrong operation.`,
    );
    return new Promise((resolve, reject) => this.waiters.push({ operation, status, resolve, reject: () => reject(error) }));
  }

  /** After each committed change: fill handles, then resolve the waits it satisfies. */
  changed(touched: OperationEntry[], context: OperationContext): void {
    for (const { operation, lookup } of this.tracked) this.fill(operation, lookup);
    for (const entry of touched) {
      const parentId = entry.operation.ParentId;
      if (parentId === undefined) continue;
      const parent = context.index.get(parentId)?.operation;
      if (parent?.Type !== "CONTEXT" || parent.SubType !== "WaitForCallback") continue;
      const allowed: readonly WaitingOperationStatus[] | undefined =
        entry.operation.Type === "STEP" ? [WaitingOperationStatus.STARTED, WaitingOperationStatus.SUBMITTED] : entry.operation.Type === "CALLBACK" ? undefined : [];
      this.settle((w) => w.operation.getId() === parentId && (allowed === undefined || allowed.includes(w.status)) && statusMatches(entry.operation.Status, w.status));
    }
    this.settle((w) => !w.operation.isWaitForCallback() && statusMatches(w.operation.getStatus(), w.status));
  }

  rejectAll(): void {
    const open = this.waiters;
    this.waiters = [];
    for (const waiter of open) waiter.reject(new Error());
  }

  private settle(matches: (waiter: Waiter) => boolean): void {
    const done = this.waiters.filter(matches);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => !done.includes(w));
    for (const waiter of done) waiter.resolve();
  }

  private fill(operation: TestOperation, lookup: Lookup): void {
    const index = this.index;
    if (!index) return;
    const entry = "id" in lookup ? index.get(lookup.id) : "name" in lookup ? index.byNameAndIndex(lookup.name, lookup.index) : index.byIndex(lookup.index);
    if (entry) operation.entry = entry;
  }
}
