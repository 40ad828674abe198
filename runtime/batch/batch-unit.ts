/**
 * One unit of a map or parallel (an item, a group of items, a branch) as a child context:
 * NESTED, a CONTEXT operation of its own (MapIteration / ParallelBranch), or FLAT, a virtual
 * context that checkpoints nothing itself and parents its operations to the batch.
 *
 * It runs on `runChild` (child-context.ts) like any child context, with its own ending: a unit's
 * terminal update must be sent exactly when its outcome counts for the batch. The outcome is
 * reported to the executor with the sending of the SUCCEED / FAIL, which the executor runs when it
 * counts the outcome and never for a unit reported after the batch completed; the batch closes its
 * checkpoint gate at completion (batch-operation.ts). The history then holds exactly the units the
 * BatchResult holds.
 */
import type { ReportOutcome } from "./concurrent-executor.ts";
import { childContextError, runChild } from "../operations/child-context.ts";
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import { never } from "../context/durable-promise.ts";
import { ChildContextError, DurableError, fromErrorObject, toErrorObject } from "../context/errors.ts";
import type { Serdes } from "../context/serdes.ts";
import type { OperationUpdate } from "../protocol/wire.ts";
import { OperationType } from "../protocol/wire.ts";

/** One unit of work: a map item (or group of items) or a parallel branch. */
export interface BatchUnit<R> {
  name: string;
  run: (context: DurableContext) => Promise<R>;
}

export interface UnitOptions<R> {
  subType: string;
  flat: boolean;
  serdes: Serdes<R> | undefined;
  /** Reports the outcome to the executor, with the sending of the unit's update. */
  report: ReportOutcome<R>;
  /** A unit result it holds for is kept in memory and rebuilt on replay (BatchConfig.replayChildren). */
  replayChildren?: ((result: R) => boolean) | undefined;
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

function execute<R>(batch: DurableContextImpl, unit: BatchUnit<R>, options: UnitOptions<R>): Promise<R> {
  const slot = batch.allocate({ type: OperationType.CONTEXT, subType: options.subType, name: unit.name });
  return runChild(batch, slot, options.serdes ?? batch.execution.serdes, unit.run, {
    flat: options.flat,
    replayChildren: options.replayChildren,
    mapError: childContextError,
    end: async (update, outcome) => {
      if ("failure" in outcome) {
        settle(batch, options, { ok: false, error: outcome.failure }, update);
        throw outcome.failure;
      }
      const value = await outcome.value();
      settle(batch, options, { ok: true, value }, update);
      return value;
    },
  });
}

/** Reports the outcome; the executor queues the unit's update only if it counts. */
function settle<R>(
  batch: DurableContextImpl,
  options: UnitOptions<R>,
  outcome: { ok: true; value: R } | { ok: false; error: Error },
  update?: OperationUpdate,
): void {
  options.report(outcome, update && (() => void batch.checkpoint(update).catch(noop)));
}

/** A unit's error as the batch records it: a ChildContextError around the rebuilt original. */
export function asChildContextError(error: unknown): ChildContextError {
  if (error instanceof ChildContextError) return error;
  return childContextError(fromErrorObject(toErrorObject(error)));
}
