/**
 * One unit of a map or parallel (an item, a group of items, a branch) as a child context:
 * NESTED, a CONTEXT operation of its own (MapIteration / ParallelBranch), or FLAT, a virtual
 * context that checkpoints nothing itself and parents its operations to the batch.
 *
 * Why not `runInChildContext`: a unit's terminal update must be sent exactly when its outcome
 * counts for the batch. The outcome is reported to the executor synchronously, right before the
 * SUCCEED / FAIL would be queued; a unit reported after the batch completed sends nothing, and the
 * unit whose outcome completed the batch closes the batch's checkpoint gate right after queueing
 * its own update. The history then holds exactly the units the BatchResult holds.
 */
import type { ReportOutcome } from "./concurrent-executor.ts";
import { runInContext } from "./current-context.ts";
import type { DurableContext, DurableContextImpl } from "./durable-context.ts";
import { never } from "./durable-promise.ts";
import { ChildContextError, DurableError, fromErrorObject, toErrorObject } from "./errors.ts";
import type { Serdes } from "./serdes.ts";
import { deserializeWith, oversized, serializeWith } from "./serdes.ts";
import type { OperationUpdate } from "./wire.ts";
import { OperationAction, OperationStatus, OperationType } from "./wire.ts";

/** One unit of work: a map item (or group of items) or a parallel branch. */
export interface BatchUnit<R> {
  name: string;
  run: (context: DurableContext) => Promise<R>;
}

export interface UnitOptions<R> {
  subType: string;
  flat: boolean;
  serdes: Serdes<R> | undefined;
  /** Reports the outcome to the executor; true when it counts. */
  report: ReportOutcome<R>;
  /** True once the batch completed; the reporting unit then closes the gate. */
  batchDone: () => boolean;
}

const noop = (): void => {};

/** Runs a unit; fatal errors end the invocation (the promise then never settles). */
export function runUnit<R>(batch: DurableContextImpl, unit: BatchUnit<R>, options: UnitOptions<R>): Promise<R> {
  return execute(batch, unit, options).catch((error: unknown) => {
    if (DurableError.is(error) && error.fatal) {
      batch.execution.lifecycle.fail(error);
      return never<R>();
    }
    throw error;
  });
}

async function execute<R>(batch: DurableContextImpl, unit: BatchUnit<R>, options: UnitOptions<R>): Promise<R> {
  const slot = batch.allocate({ type: OperationType.CONTEXT, subType: options.subType, name: unit.name });
  const serdes = options.serdes ?? batch.execution.serdes;
  const what = slot.describe();
  const op = options.flat ? undefined : slot.current();
  if (op?.Status === OperationStatus.FAILED) {
    const error = childError(fromErrorObject(op.ContextDetails?.Error));
    settle(batch, options, { ok: false, error });
    throw error;
  }
  if (op?.Status === OperationStatus.SUCCEEDED && !op.ContextDetails?.ReplayChildren) {
    const value = await deserializeWith<R>(serdes, op.ContextDetails?.Result, what, slot.serdesContext());
    settle(batch, options, { ok: true, value });
    return value;
  }
  // A recorded unit (or any unit of a batch being rebuilt) only replays: it sends nothing.
  const replayOnly = op !== undefined && op.Status === OperationStatus.SUCCEEDED;
  const quiet = replayOnly || batch.replayOnly;
  if (!op && !options.flat) batch.checkpoint(slot.update(OperationAction.START)).catch(noop);
  const child = batch.createChild(slot.stepId, replayOnly, options.flat);
  let result: R;
  try {
    result = await runInContext(child, () => deferred(unit, child));
  } catch (error) {
    child.finished = true;
    if (DurableError.is(error) && error.fatal) throw error;
    const errorObject = toErrorObject(error);
    const failure = childError(fromErrorObject(errorObject));
    settle(batch, options, { ok: false, error: failure }, options.flat || quiet ? undefined : slot.update(OperationAction.FAIL, { Error: errorObject }));
    throw failure;
  }
  child.finished = true;
  const payload = await serializeWith(serdes, result, what, slot.serdesContext());
  const value = await deserializeWith<R>(serdes, payload, what, slot.serdesContext());
  const large = oversized(payload);
  const update = large
    ? slot.update(OperationAction.SUCCEED, { Payload: "", ContextOptions: { ReplayChildren: true } })
    : slot.update(OperationAction.SUCCEED, payload === undefined ? undefined : { Payload: payload });
  settle(batch, options, { ok: true, value }, options.flat || quiet ? undefined : update);
  return value;
}

/** Reports the outcome; queues the unit's update only if it counts; closes the gate after it. */
function settle<R>(
  batch: DurableContextImpl,
  options: UnitOptions<R>,
  outcome: { ok: true; value: R } | { ok: false; error: Error },
  update?: OperationUpdate,
): void {
  const counts = options.report(outcome);
  if (counts && update) batch.checkpoint(update).catch(noop);
  if (options.batchDone()) batch.finished = true;
}

/**
 * Runs a unit's body one microtask late, so every unit the executor starts together has its
 * START queued before any body adds operations: the official SDK's order, which twin histories
 * rely on.
 */
function deferred<R>(unit: BatchUnit<R>, child: DurableContext): Promise<R> {
  return Promise.resolve().then(() => unit.run(child));
}

function childError(rebuilt: Error): ChildContextError {
  return new ChildContextError(rebuilt.message, rebuilt);
}

/** A unit's error as the batch records it: a ChildContextError around the rebuilt original. */
export function asChildContextError(error: unknown): Error {
  if (error instanceof ChildContextError) return error;
  return childError(fromErrorObject(toErrorObject(error)));
}
