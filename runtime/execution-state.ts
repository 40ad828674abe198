/**
 * The operations of one execution as this invocation knows them: loaded from the event (paging
 * with GetDurableExecutionState while NextMarker is set), then merged from every checkpoint
 * response. Keyed by hashed id, so a lookup or an update costs O(1) and nothing ever scans the
 * whole map. Timestamps are normalised to Date on the way in. Watchers of an id are woken when
 * that operation changes.
 */
import type { DurableExecutionClient } from "./client.ts";
import { CheckpointError, messageOf } from "./errors.ts";
import type { DurableExecutionInvocationInput, Operation, WireTimestamp } from "./wire.ts";
import { Limits, OperationType } from "./wire.ts";

type Watcher = (operation: Operation) => void;

export class ExecutionState {
  private readonly operations = new Map<string, Operation>();
  private readonly watchers = new Map<string, Watcher[]>();
  private executionOperation: Operation | undefined;

  get size(): number {
    return this.operations.size;
  }

  get execution(): Operation | undefined {
    return this.executionOperation;
  }

  get(hashedId: string): Operation | undefined {
    return this.operations.get(hashedId);
  }

  has(hashedId: string): boolean {
    return this.operations.has(hashedId);
  }

  merge(operations: readonly Operation[] | undefined): void {
    if (!operations) return;
    for (const raw of operations) {
      const operation = normaliseOperation(raw);
      this.operations.set(operation.Id, operation);
      if (operation.Type === OperationType.EXECUTION && this.executionOperation === undefined) {
        this.executionOperation = operation;
      }
      const waiting = this.watchers.get(operation.Id);
      if (waiting) {
        this.watchers.delete(operation.Id);
        for (const wake of waiting) wake(operation);
      }
    }
  }

  /** Calls `wake` once, the next time the operation with this hashed id changes. */
  watch(hashedId: string, wake: Watcher): () => void {
    const list = this.watchers.get(hashedId) ?? [];
    list.push(wake);
    this.watchers.set(hashedId, list);
    return () => {
      const current = this.watchers.get(hashedId);
      if (!current) return;
      const index = current.indexOf(wake);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.watchers.delete(hashedId);
    };
  }

  static async load(event: DurableExecutionInvocationInput, client: DurableExecutionClient): Promise<ExecutionState> {
    const state = new ExecutionState();
    state.merge(event.InitialExecutionState.Operations);
    let marker = event.InitialExecutionState.NextMarker;
    while (marker) {
      let page;
      try {
        page = await client.getExecutionState({
          DurableExecutionArn: event.DurableExecutionArn,
          CheckpointToken: event.CheckpointToken,
          Marker: marker,
          MaxItems: Limits.STATE_PAGE_ITEMS,
        });
      } catch (cause) {
        // Without the whole state nothing can be replayed: let Lambda retry the invocation.
        throw new CheckpointError(
          `Could not load the execution state (GetDurableExecutionState, marker ${JSON.stringify(marker)}): ${messageOf(cause)}. The invocation is retried.`,
          "invocation",
          cause,
        );
      }
      state.merge(page.Operations);
      marker = page.NextMarker;
    }
    return state;
  }
}

export function toDate(value: WireTimestamp | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function normaliseOperation(operation: Operation): Operation {
  const out: Operation = { ...operation };
  if (out.StartTimestamp !== undefined) out.StartTimestamp = toDate(out.StartTimestamp);
  if (out.EndTimestamp !== undefined) out.EndTimestamp = toDate(out.EndTimestamp);
  if (out.StepDetails?.NextAttemptTimestamp !== undefined) {
    out.StepDetails = { ...out.StepDetails, NextAttemptTimestamp: toDate(out.StepDetails.NextAttemptTimestamp) };
  }
  if (out.WaitDetails?.ScheduledEndTimestamp !== undefined) {
    out.WaitDetails = { ...out.WaitDetails, ScheduledEndTimestamp: toDate(out.WaitDetails.ScheduledEndTimestamp) };
  }
  return out;
}
