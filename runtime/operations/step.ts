/**
 * `ctx.step(name?, fn, config?)`: run `fn` once and checkpoint its result, with retries.
 * AtLeastOncePerRetry (default) sends START without waiting and runs at once; AtMostOncePerRetry
 * waits for START to be acknowledged before running, and a step found STARTED on replay was
 * interrupted: the retry strategy decides between RETRY and FAIL instead of re-running blindly.
 * A retry is a RETRY update with the delay; the step then waits (suspending the invocation if
 * nothing else runs) until the service marks it READY.
 */
import { requireFunction, splitName } from "../context/arguments.ts";
import { runInStep } from "../context/current-context.ts";
import { attemptHooks } from "../context/plugin-hooks.ts";
import type { DurableContextImpl, OperationSlot } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { never } from "../context/durable-promise.ts";
import { durationToSeconds } from "../context/duration.ts";
import { DurableError, StepInterruptedError, fromErrorObject, toErrorObject } from "../context/errors.ts";
import type { DurableContextLogger, DurableLogger } from "../context/logger.ts";
import type { RetryStrategy } from "./retry-strategy.ts";
import { retryPresets } from "./retry-strategy.ts";
import type { Serdes } from "../context/serdes.ts";
import { deserializeWith, serializeWith } from "../context/serdes.ts";
import type { Operation } from "../protocol/wire.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

export const StepSemantics = {
  AtMostOncePerRetry: "AT_MOST_ONCE_PER_RETRY",
  AtLeastOncePerRetry: "AT_LEAST_ONCE_PER_RETRY",
} as const;
export type StepSemantics = (typeof StepSemantics)[keyof typeof StepSemantics];

export interface StepContext<Logger extends DurableLogger = DurableLogger> {
  logger: DurableContextLogger<Logger>;
  /** 1 for the first attempt. */
  attempt: number;
}

/** A step body; may also return the value directly. */
export type StepFunction<T, Logger extends DurableLogger = DurableLogger> = (context: StepContext<Logger>) => T | Promise<T>;
/** The official SDK's name and shape for a step body. */
export type StepFunc<T, Logger extends DurableLogger = DurableLogger> = (context: StepContext<Logger>) => Promise<T>;

export interface StepConfig<T = unknown> {
  /** @default retryPresets.default (6 attempts, exponential, FULL jitter) */
  retryStrategy?: RetryStrategy;
  /** @default StepSemantics.AtLeastOncePerRetry */
  semantics?: StepSemantics;
  /** @default the context's serdes (JSON) */
  serdes?: Serdes<T>;
}

const noop = (): void => {};

export function step<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<T> {
  const { name, rest } = splitName("step", args);
  const [fn, config] = rest as [StepFunction<T>, StepConfig<T> | undefined];
  requireFunction("step", "fn", fn);
  const semantics = config?.semantics ?? StepSemantics.AtLeastOncePerRetry;
  const atMostOnce = semantics === StepSemantics.AtMostOncePerRetry;
  const strategy = config?.retryStrategy ?? retryPresets.default;

  return stepOperation<T>(ctx, OperationSubType.STEP, name, config?.serdes, async (slot, op, attempt, serdes, what) => {
    if (op?.Status === OperationStatus.STARTED && atMostOnce) {
      return recordFailure(ctx, slot, strategy, new StepInterruptedError(slot.stepId, name), attempt);
    }
    if (op?.Status !== OperationStatus.STARTED) {
      // At-least-once: START is held, to go in one request with the outcome if the step is quick.
      const started = ctx.checkpoint(slot.update(OperationAction.START), !atMostOnce);
      if (atMostOnce) await started;
      else started.catch(noop);
    }
    let value: T;
    try {
      value = await runAttempt(ctx, slot, fn, attempt);
    } catch (error) {
      if (DurableError.is(error) && error.fatal) throw error;
      return recordFailure(ctx, slot, strategy, error, attempt);
    }
    const payload = await serializeWith(serdes, value, what, slot.serdesContext(), "result");
    const succeeded = ctx.checkpoint(slot.update(OperationAction.SUCCEED, payload === undefined ? undefined : { Payload: payload }));
    // Pipelined (opt-in): the code goes on while the SUCCEED is sent; the outcome still waits for it.
    if (ctx.execution.pipelined && !atMostOnce) succeeded.catch(noop);
    else await succeeded;
    return { value: await deserializeWith<T>(serdes, payload, what, slot.serdesContext()) };
  });
}

/** One attempt of a STEP operation: `{ value }` once it is done, undefined to go round again. */
export type StepAttempt<T> = (
  slot: OperationSlot,
  op: Operation | undefined,
  attempt: number,
  serdes: Serdes<any>,
  what: string,
) => Promise<{ value: T } | undefined>;

/**
 * A STEP operation (step and waitForCondition): take the position, then loop: settle from the
 * record, wait out a retry timer (PENDING), else run `attempt`, which checkpoints and returns
 * `{ value }` once the operation is done, or undefined after a RETRY (once READY).
 */
export function stepOperation<T>(ctx: DurableContextImpl, subType: string, name: string | undefined, custom: Serdes<any> | undefined, attempt: StepAttempt<T>): DurablePromise<T> {
  return ctx.operation(async (): Promise<T> => {
    const slot = ctx.allocate({ type: OperationType.STEP, subType, name });
    const serdes = custom ?? ctx.execution.serdes;
    const what = slot.describe();
    for (;;) {
      const op = slot.current();
      if (op?.Status === OperationStatus.SUCCEEDED) return deserializeWith<T>(serdes, op.StepDetails?.Result, what, slot.serdesContext());
      if (op?.Status === OperationStatus.FAILED) throw fromErrorObject(op.StepDetails?.Error);
      if (ctx.replayOnly) return never();
      if (op?.Status === OperationStatus.PENDING) await ctx.waitFor(slot, (o) => o?.Status !== OperationStatus.PENDING);
      else {
        const done = await attempt(slot, op, (op?.StepDetails?.Attempt ?? 0) + 1, serdes, what);
        if (done) return done.value;
      }
    }
  }, (value) => Promise.resolve(value));
}

/** Runs a step body (or a poll) once: counted as executing, with durable calls refused inside. */
export async function runAttempt<T>(ctx: DurableContextImpl, slot: OperationSlot, fn: StepFunction<T>, attempt: number): Promise<T> {
  const end = ctx.execution.lifecycle.beginExecuting();
  try {
    return await attemptHooks(ctx, slot, attempt, () => runInStep(ctx, () => Promise.resolve(fn({ logger: ctx.execution.stepLogger, attempt })), { stepId: slot.stepId, name: slot.kind.name, attempt }));
  } finally {
    end();
  }
}

/** RETRY (then wait until READY) or FAIL (then throw the rebuilt StepError). */
async function recordFailure(ctx: DurableContextImpl, slot: OperationSlot, strategy: RetryStrategy, error: unknown, attempt: number): Promise<undefined> {
  const errorObject = toErrorObject(error);
  const decision = strategy(error instanceof Error ? error : new Error(String(error)), attempt);
  if (!decision.shouldRetry) {
    await ctx.checkpoint(slot.update(OperationAction.FAIL, { Error: errorObject }));
    throw fromErrorObject(errorObject);
  }
  const delay = decision.delay ? durationToSeconds(decision.delay, `the retry delay of ${slot.describe()}`) : 1;
  await ctx.checkpoint(slot.update(OperationAction.RETRY, { Error: errorObject, StepOptions: { NextAttemptDelaySeconds: delay } }));
  await ctx.waitFor(slot, (o) => o?.Status === OperationStatus.READY);
  return undefined;
}
