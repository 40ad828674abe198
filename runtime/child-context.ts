/**
 * `ctx.runInChildContext(name?, fn, config?)`: a CONTEXT operation whose body runs with its own
 * id counter ("<id>-1", ...). START and SUCCEED/FAIL are sent without waiting. A result over
 * 256 KiB is checkpointed as a summary (or "") with ReplayChildren, and on replay the body re-runs
 * in replay-only mode to rebuild it from the children's records. Failures surface as
 * ChildContextError (or the config's errorMapper), fresh and replayed alike.
 */
import { requireFunction, splitName } from "./arguments.ts";
import { runInContext } from "./current-context.ts";
import type { DurableContext, DurableContextImpl } from "./durable-context.ts";
import type { DurablePromise } from "./durable-promise.ts";
import type { DurableOperationError } from "./errors.ts";
import { ChildContextError, DurableError, fromErrorObject, toErrorObject } from "./errors.ts";
import type { Serdes } from "./serdes.ts";
import { deserializeWith, oversized, serializeWith } from "./serdes.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "./wire.ts";

export type ChildFunction<T> = (context: DurableContext) => T | Promise<T>;

export interface ChildConfig<T = unknown> {
  serdes?: Serdes<T>;
  /** @default "RunInChildContext" */
  subType?: string;
  /** Payload checkpointed instead of a result over 256 KiB. @default "" */
  summaryGenerator?: (result: T) => string;
  errorMapper?: (error: DurableOperationError) => Error;
}

const noop = (): void => {};

export function runInChildContext<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<T> {
  const { name, rest } = splitName("runInChildContext", args);
  const [fn, config] = rest as [ChildFunction<T>, ChildConfig<T> | undefined];
  requireFunction("runInChildContext", "fn", fn);
  const fail = (recorded: DurableOperationError): Error =>
    config?.errorMapper ? config.errorMapper(recorded) : new ChildContextError(recorded.message, recorded);

  return ctx.operation(async (): Promise<T> => {
    const slot = ctx.allocate({ type: OperationType.CONTEXT, subType: config?.subType ?? OperationSubType.RUN_IN_CHILD_CONTEXT, name });
    const serdes = config?.serdes ?? ctx.execution.serdes;
    const what = slot.describe();
    const op = slot.current();
    if (op?.Status === OperationStatus.FAILED) throw fail(fromErrorObject(op.ContextDetails?.Error));
    if (op?.Status === OperationStatus.SUCCEEDED && !op.ContextDetails?.ReplayChildren) {
      return deserializeWith<T>(serdes, op.ContextDetails?.Result, what, slot.serdesContext());
    }
    const replayOnly = op?.Status === OperationStatus.SUCCEEDED;
    if (!op) ctx.checkpoint(slot.update(OperationAction.START)).catch(noop);
    const child = ctx.createChild(slot.stepId, replayOnly);
    let result: T;
    try {
      // One microtask late, as in the official SDK (its START is followed by an await): contexts
      // started together queue all their STARTs before any body adds operations. A promise job,
      // not queueMicrotask, which the emulator's fake timers replace.
      result = await runInContext(child, () => Promise.resolve().then(() => fn(child)));
    } catch (error) {
      child.finished = true;
      if (DurableError.is(error) && error.fatal) throw error;
      const errorObject = toErrorObject(error);
      ctx.checkpoint(slot.update(OperationAction.FAIL, { Error: errorObject })).catch(noop);
      throw fail(fromErrorObject(errorObject));
    }
    // Close the gate before any await: children still running (a race's loser) must not checkpoint.
    child.finished = true;
    const payload = await serializeWith(serdes, result, what, slot.serdesContext());
    if (!replayOnly) {
      const large = oversized(payload);
      const update = large
        ? slot.update(OperationAction.SUCCEED, { Payload: config?.summaryGenerator ? config.summaryGenerator(result) : "", ContextOptions: { ReplayChildren: true } })
        : slot.update(OperationAction.SUCCEED, payload === undefined ? undefined : { Payload: payload });
      ctx.checkpoint(update).catch(noop);
    }
    return deserializeWith<T>(serdes, payload, what, slot.serdesContext());
  }, (value) => Promise.resolve(value));
}
