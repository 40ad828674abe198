/**
 * The operations of one execution as this invocation knows them: loaded from the event (paging
 * with GetDurableExecutionState while NextMarker is set), then merged from every checkpoint
 * response. Keyed by hashed id, so a lookup or an update costs O(1) and nothing ever scans the
 * whole map. Operations are kept as the service sent them: timestamps come as ISO strings, Dates
 * or epoch numbers, and the runtime never reads them (the service decides when a wait or retry
 * is due). Watchers of an id are woken when that operation changes.
 */
import type { DurableExecutionClient } from "./client.ts";
import { DurableError, ErrorCode } from "./durable-error.ts";
import { classifyServiceError } from "./service-errors.ts";
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

  /**
   * Takes in operations the service sent; `where` names them in the error a malformed one raises
   * ("InitialExecutionState.Operations"). Every operation is checked before any is merged.
   */
  merge(operations: readonly Operation[] | undefined, where: string): void {
    if (operations === undefined) return;
    checkOperations(operations, where);
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
    state.merge(event.InitialExecutionState.Operations, "InitialExecutionState.Operations");
    let marker = event.InitialExecutionState.NextMarker;
    while (marker) {
      const where = `GetDurableExecutionState (marker ${JSON.stringify(marker)})`;
      let page;
      try {
        page = await client.getExecutionState({
          DurableExecutionArn: event.DurableExecutionArn,
          CheckpointToken: event.CheckpointToken,
          Marker: marker,
          MaxItems: Limits.STATE_PAGE_ITEMS,
        });
      } catch (cause) {
        // Without the whole state nothing can be replayed: a retryable failure retries the invocation
        // (a client's DurableExecutionClientError scope is believed first).
        // A client's own coded error (CLIENT_UNAVAILABLE, a call-policy timeout) already says what it means.
        throw DurableError.is(cause) && cause.fatal ? cause : classifyServiceError(cause, `Could not load the execution state: ${where}`);
      }
      if (typeof page !== "object" || page === null) throw malformed(`${where} returned no page`);
      state.merge(page.Operations as Operation[] | undefined, `${where} Operations`);
      marker = page.NextMarker;
    }
    return state;
  }
}

/** State the service sent that no replay can read: the execution ends FAILED, saying what and where. */
export function malformed(what: string): DurableError {
  return new DurableError(ErrorCode.INVALID_STATE, `The execution state is malformed: ${what}. It cannot be replayed; report it with the execution's ARN.`, { fatal: "execution", name: "InvalidStateError" });
}

function checkOperations(operations: readonly Operation[], where: string): void {
  if (!Array.isArray(operations)) throw malformed(`${where} is not a list`);
  operations.forEach((op: Partial<Operation> | null, index) => {
    if (typeof op !== "object" || op === null) throw malformed(`${where}[${index}] is ${op}, not an operation`);
    const field = ["Id", "Type", "Status"].find((key) => typeof op[key as keyof Operation] !== "string" || !op[key as keyof Operation]);
    // Name is read only to report (check --histories counts the reads of Name as replayed positions).
    if (field) {
      const label = [op.Id && `Id ${JSON.stringify(op.Id)}`, op.Name && `Name ${JSON.stringify(op.Name)}`].filter(Boolean).join(", ");
      throw malformed(`${where}[${index}]${label && ` (${label})`} has no ${field}`);
    }
  });
}
