/**
 * The operations of one execution as this invocation knows them: loaded from the event (paging
 * with GetDurableExecutionState while NextMarker is set), then merged from every checkpoint
 * response. Keyed by hashed id, so a lookup or an update costs O(1) and nothing ever scans the
 * whole map. Operations are kept as the service sent them: timestamps come as ISO strings, Dates
 * or epoch numbers, and the runtime never reads them (the service decides when a wait or retry
 * is due). Watchers of an id are woken when that operation changes.
 */
import type { DurableExecutionClient } from "./client.ts";
import { isDurableExecutionClientError } from "./client-error.ts";
import { CheckpointError, messageOf } from "./durable-error.ts";
import type { DurableExecutionInvocationInput, Operation } from "./wire.ts";
import { Limits, OperationType } from "./wire.ts";

type Watcher = (operation: Operation) => void;

export class ExecutionState {
  private readonly operations = new Map<string, Operation>();
  private readonly watchers = new Map<string, Watcher[]>();
  private executionOperation: Operation | undefined;

  get execution(): Operation | undefined {
    return this.executionOperation;
  }

  get(hashedId: string): Operation | undefined {
    return this.operations.get(hashedId);
  }

  has(hashedId: string): boolean {
    return this.operations.has(hashedId);
  }

  /** Told of the operations whose status a merge changed (instrumentation plugins). */
  onChange: ((changed: Operation[]) => void) | undefined;

  /** Every operation known, in the order first seen. */
  values(): IterableIterator<Operation> {
    return this.operations.values();
  }

  merge(operations: readonly Operation[] | undefined): void {
    if (!operations) return;
    const changed: Operation[] = [];
    for (const operation of operations) {
      if (this.onChange && this.operations.get(operation.Id)?.Status !== operation.Status) changed.push(operation);
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
    if (changed.length > 0) this.onChange?.(changed);
  }

  /** Calls `wake` once, the next time the operation with this hashed id changes. */
  watch(hashedId: string, wake: Watcher): void {
    const list = this.watchers.get(hashedId);
    if (list) list.push(wake);
    else this.watchers.set(hashedId, [wake]);
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
        // Without the whole state nothing can be replayed: let Lambda retry the invocation, unless
        // the client says the failure is permanent (DurableExecutionClientError, scope EXECUTION).
        const permanent = isDurableExecutionClientError(cause) && cause.scope === "EXECUTION";
        throw new CheckpointError(
          `Could not load the execution state (GetDurableExecutionState, marker ${JSON.stringify(marker)}): ${messageOf(cause)}. ${permanent ? "The client says the execution fails." : "The invocation is retried."}`,
          permanent ? "execution" : "invocation",
          cause,
        );
      }
      state.merge(page.Operations as Operation[] | undefined);
      marker = page.NextMarker;
    }
    return state;
  }
}
