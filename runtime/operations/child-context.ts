/**
 * `ctx.runInChildContext(name?, fn, config?)`: a CONTEXT operation whose body runs with its own
 * id counter ("<id>-1", ...). START and SUCCEED/FAIL are sent without waiting. A result over
 * 256 KiB is checkpointed as a summary (or "") with ReplayChildren, and on replay the body re-runs
 * in replay-only mode to rebuild it from the children's records. Failures surface as
 * ChildContextError (or the config's errorMapper), fresh and replayed alike.
 */
import { requireFunction, splitName } from "../context/arguments.ts";
import { runInContext } from "../context/current-context.ts";
import { childHooks } from "../context/plugin-hooks.ts";
import type { DurableContext, DurableContextImpl, OperationSlot } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import type { DurableOperationError } from "../context/errors.ts";
import { ChildContextError, DurableError, fromErrorObject, toErrorObject } from "../context/errors.ts";
import type { DurableLogger } from "../context/logger.ts";
import type { Serdes } from "../context/serdes.ts";
import { deserializeWith, oversized, serializeWith } from "../context/serdes.ts";
import type { OperationUpdate } from "../protocol/wire.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

export type ChildFunction<T, Logger extends DurableLogger = DurableLogger> = (context: DurableContext<Logger>) => T | Promise<T>;
/** The official SDK's name and shape for a child body. */
export type ChildFunc<T, Logger extends DurableLogger = DurableLogger> = (context: DurableContext<Logger>) => Promise<T>;

export interface ChildConfig<T = unknown> {
  serdes?: Serdes<T>;
  /** @default "RunInChildContext" */
  subType?: string;
  /** Payload checkpointed instead of a result over 256 KiB. @default "" */
  summaryGenerator?: (result: T) => string;
  errorMapper?: (error: DurableOperationError) => Error;
  /**
   * use-durable only: when it holds for the result (compiled code passes "is not data", such as a
   * callback's promise), the result is kept in memory rather than serialised, the children are
   * kept (ReplayChildren), and a replay rebuilds the result by re-running the body. @default none
   */
  replayChildren?: (result: T) => boolean;
  /** No CONTEXT operation of its own: its operations are parented to the enclosing context. */
  virtualContext?: boolean;
}

const noop = (): void => {};

export function runInChildContext<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<T> {
  const { name, rest } = splitName("runInChildContext", args);
  const [fn, config] = rest as [ChildFunction<T>, ChildConfig<T> | undefined];
  requireFunction("runInChildContext", "fn", fn);

  return ctx.operation(async (): Promise<T> => {
    const slot = ctx.allocate({ type: OperationType.CONTEXT, subType: config?.subType ?? OperationSubType.RUN_IN_CHILD_CONTEXT, name });
    return runChild(ctx, slot, config?.serdes ?? ctx.execution.serdes, fn, {
      flat: config?.virtualContext,
      summaryGenerator: config?.summaryGenerator,
      replayChildren: config?.replayChildren,
      mapError: config?.errorMapper ?? childContextError,
      end: (update, outcome) => {
        if (update) ctx.checkpoint(update).catch(noop);
        return "failure" in outcome ? Promise.reject(outcome.failure) : outcome.value();
      },
    });
  }, (value) => Promise.resolve(value));
}

/** What differs between a child context and a map / parallel unit (batch-unit.ts). */
export interface ChildRun<T> {
  /** A virtual context: no CONTEXT operation of its own, nothing checkpointed for it. */
  flat?: boolean | undefined;
  /** Payload checkpointed instead of a result over 256 KiB. @default "" */
  summaryGenerator?: ((result: T) => string) | undefined;
  /** A result it holds for is kept in memory and rebuilt on replay (ChildConfig.replayChildren). */
  replayChildren?: ((result: T) => boolean) | undefined;
  mapError: (recorded: DurableOperationError) => Error;
  /**
   * Ends the run, fresh or replayed: sends `update` (undefined when nothing is to be sent) and
   * returns the value or rejects with the failure.
   */
  end: (update: OperationUpdate | undefined, outcome: { failure: Error } | { value: () => Promise<T> }) => Promise<T>;
}

/**
 * A child body on its allocated slot: the recorded outcome if there is one, else START, the
 * body (in replay-only mode under a ReplayChildren record), and SUCCEED / FAIL.
 */
export async function runChild<T>(ctx: DurableContextImpl, slot: OperationSlot, serdes: Serdes<any>, fn: ChildFunction<T>, run: ChildRun<T>): Promise<T> {
  const what = slot.describe();
  const valueOf = (payload: string | undefined) => () => deserializeWith<T>(serdes, payload, what, slot.serdesContext());
  const op = run.flat ? undefined : slot.current();
  if (op?.Status === OperationStatus.FAILED) return run.end(undefined, { failure: run.mapError(fromErrorObject(op.ContextDetails?.Error)) });
  if (op?.Status === OperationStatus.SUCCEEDED && !op.ContextDetails?.ReplayChildren) {
    return run.end(undefined, { value: valueOf(op.ContextDetails?.Result) });
  }
  // A context recorded as succeeded (with ReplayChildren) only rebuilds its result: it sends nothing.
  const replayOnly = op?.Status === OperationStatus.SUCCEEDED;
  const quiet = replayOnly || run.flat;
  if (!op && !run.flat) ctx.checkpoint(slot.update(OperationAction.START)).catch(noop);
  const child = ctx.createChild(slot.stepId, replayOnly, run.flat, slot.kind.name);
  let result: T;
  try {
    // One microtask late, as in the official SDK (its START is followed by an await): contexts
    // started together queue all their STARTs before any body adds operations. A promise job,
    // not queueMicrotask, which the emulator's fake timers replace.
    result = await runInContext(child, () => Promise.resolve().then(() => childHooks(ctx, slot, op !== undefined || !!run.flat, () => fn(child))));
  } catch (error) {
    child.finished = true;
    if (DurableError.is(error) && error.fatal) throw error;
    const errorObject = toErrorObject(error);
    const failure = run.mapError(fromErrorObject(errorObject));
    return run.end(quiet ? undefined : slot.update(OperationAction.FAIL, { Error: errorObject, ...(child.preserve >= 1 && { ContextOptions: { ReplayChildren: true } }) }), { failure });
  }
  // Close the gate before any await: children still running (a race's loser) must not checkpoint.
  child.finished = true;
  // A result that is not data stays in memory; a replay re-runs the body to rebuild it. Kept
  // children (pluginsConfig.childOperationsDepth) keep the whole payload too; on replay the body
  // re-runs from the children's records either way.
  const kept = run.replayChildren?.(result);
  const payload = kept ? undefined : await serializeWith(serdes, result, what, slot.serdesContext());
  const update = quiet
    ? undefined
    : kept || oversized(payload)
      ? slot.update(OperationAction.SUCCEED, { Payload: run.summaryGenerator?.(result) ?? "", ContextOptions: { ReplayChildren: true } })
      : slot.update(OperationAction.SUCCEED, { ...(payload !== undefined && { Payload: payload }), ...(child.preserve >= 1 && { ContextOptions: { ReplayChildren: true } }) });
  return run.end(update, { value: kept ? () => Promise.resolve(result) : valueOf(payload) });
}

/** The default failure of a child context: a ChildContextError around the rebuilt original. */
export function childContextError(recorded: Error): ChildContextError {
  return new ChildContextError(recorded.message, recorded);
}
