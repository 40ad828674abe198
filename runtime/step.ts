/**
 * `ctx.step(name?, fn, config?)`: run `fn` once and checkpoint its result, with retries.
 * AtLeastOncePerRetry (default) sends START without waiting and runs at once; AtMostOncePerRetry
 * waits for START to be acknowledged before running, and a step found STARTED on replay was
 * interrupted: the retry strategy decides between RETRY and FAIL instead of re-running blindly.
 * A retry is a RETRY update with the delay; the step then waits (suspending the invocation if
 * nothing else runs) until the service marks it READY.
 */
import { NameRule, requireFunction, splitName } from "./arguments.ts";
import { runInStep } from "./current-context.ts";
import type { DurableContextImpl, OperationSlot } from "./durable-context.ts";
import type { DurablePromise } from "./durable-promise.ts";
import { never } from "./durable-promise.ts";
import { durationToSeconds } from "./duration.ts";
import { DurableError, PayloadTooLargeError, StepInterruptedError, fromErrorObject, toErrorObject } from "./errors.ts";
import type { DurableLogger } from "./logger.ts";
import type { RetryStrategy } from "./retry-strategy.ts";
import { retryPresets } from "./retry-strategy.ts";
import type { Serdes } from "./serdes.ts";
import { deserializeWith, serializeWith, utf8Bytes } from "./serdes.ts";
import { Limits, OperationAction, OperationStatus, OperationSubType, OperationType } from "./wire.ts";

export const StepSemantics = {
  AtMostOncePerRetry: "AT_MOST_ONCE_PER_RETRY",
  AtLeastOncePerRetry: "AT_LEAST_ONCE_PER_RETRY",
} as const;
export type StepSemantics = (typeof StepSemantics)[keyof typeof StepSemantics];

export interface StepContext {
  logger: DurableLogger;
  /** 1 for the first attempt. */
  attempt: number;
}

export type StepFunction<T> = (context: StepContext) => T | Promise<T>;

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
  const { name, rest } = splitName("step", args, NameRule.stringOrUndefinedFirst);
  const [fn, config] = rest as [StepFunction<T>, StepConfig<T> | undefined];
  requireFunction("step", "fn", fn);
  const semantics = config?.semantics ?? StepSemantics.AtLeastOncePerRetry;
  const strategy = config?.retryStrategy ?? retryPresets.default;

  return ctx.operation(async (): Promise<T> => {
    const slot = ctx.allocate({ type: OperationType.STEP, subType: OperationSubType.STEP, name });
    const serdes = config?.serdes ?? ctx.execution.serdes;
    const what = slot.describe();
    for (;;) {
      const op = slot.current();
      if (op?.Status === OperationStatus.SUCCEEDED) {
        return deserializeWith<T>(serdes, op.StepDetails?.Result, what, slot.serdesContext());
      }
      if (op?.Status === OperationStatus.FAILED) throw fromErrorObject(op.StepDetails?.Error);
      if (ctx.replayOnly) return never();
      if (op?.Status === OperationStatus.PENDING) {
        await ctx.waitFor(slot, (o) => o?.Status !== OperationStatus.PENDING);
        continue;
      }
      const attempt = (op?.StepDetails?.Attempt ?? 0) + 1;
      if (op?.Status === OperationStatus.STARTED && semantics === StepSemantics.AtMostOncePerRetry) {
        await recordFailure(ctx, slot, strategy, new StepInterruptedError(slot.stepId, name), attempt);
        continue;
      }
      if (op?.Status !== OperationStatus.STARTED) {
        const started = ctx.checkpoint(slot.update(OperationAction.START));
        if (semantics === StepSemantics.AtMostOncePerRetry) await started;
        else started.catch(noop);
      }
      const outcome = await runAttempt(ctx, slot, fn, attempt);
      if (outcome.ok) {
        const payload = await serializeWith(serdes, outcome.value, what, slot.serdesContext());
        const bytes = utf8Bytes(payload);
        if (bytes > Limits.OPERATION_PAYLOAD_BYTES) {
          throw new PayloadTooLargeError(`The result of ${what}`, bytes, Limits.OPERATION_PAYLOAD_BYTES);
        }
        await ctx.checkpoint(slot.update(OperationAction.SUCCEED, payload === undefined ? undefined : { Payload: payload }));
        return deserializeWith<T>(serdes, payload, what, slot.serdesContext());
      }
      if (DurableError.is(outcome.error) && outcome.error.fatal) throw outcome.error;
      await recordFailure(ctx, slot, strategy, outcome.error, attempt);
    }
  }, (value) => Promise.resolve(value));
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function runAttempt<T>(ctx: DurableContextImpl, slot: OperationSlot, fn: StepFunction<T>, attempt: number): Promise<Outcome<T>> {
  const end = ctx.execution.lifecycle.beginExecuting();
  try {
    const value = await runInStep(ctx, () => fn({ logger: ctx.createLogger(slot.id), attempt }));
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  } finally {
    end();
  }
}

/** RETRY (then wait until READY) or FAIL (then throw the rebuilt StepError). */
async function recordFailure(ctx: DurableContextImpl, slot: OperationSlot, strategy: RetryStrategy, error: unknown, attempt: number): Promise<void> {
  const errorObject = toErrorObject(error);
  const decision = strategy(error instanceof Error ? error : new Error(String(error)), attempt);
  if (!decision.shouldRetry) {
    await ctx.checkpoint(slot.update(OperationAction.FAIL, { Error: errorObject }));
    throw fromErrorObject(errorObject);
  }
  const delay = decision.delay ? durationToSeconds(decision.delay, `the retry delay of ${slot.describe()}`) : 1;
  await ctx.checkpoint(slot.update(OperationAction.RETRY, { Error: errorObject, StepOptions: { NextAttemptDelaySeconds: delay } }));
  await ctx.waitFor(slot, (o) => o?.Status === OperationStatus.READY);
}
