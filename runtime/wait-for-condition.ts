/**
 * `ctx.waitForCondition(name?, check(state, ctx), { initialState, waitStrategy, serdes? })`:
 * polling as ONE STEP with subtype WaitForCondition. Each poll runs `check` like a step body
 * (no durable calls inside), then asks the strategy: stop -> SUCCEED with the state; poll again
 * -> RETRY carrying the state and the delay, and wait (suspending if nothing else runs) until the
 * service marks the step READY. The next poll starts from the checkpointed state, so replay
 * never re-runs a poll. A throwing check or an exhausted strategy -> FAIL, rethrown as the
 * rebuilt error (WaitForConditionError for exhaustion).
 */
import { NameRule, requireFunction, splitName } from "./arguments.ts";
import { runInStep } from "./current-context.ts";
import type { DurableContextImpl, OperationSlot } from "./durable-context.ts";
import type { DurablePromise } from "./durable-promise.ts";
import { never } from "./durable-promise.ts";
import { durationToSeconds } from "./duration.ts";
import { DurableError, ErrorCode, PayloadTooLargeError, fromErrorObject, toErrorObject } from "./errors.ts";
import type { DurableLogger } from "./logger.ts";
import type { Serdes } from "./serdes.ts";
import { deserializeWith, serializeWith, utf8Bytes } from "./serdes.ts";
import type { WaitStrategy } from "./wait-strategy.ts";
import { Limits, OperationAction, OperationStatus, OperationSubType, OperationType } from "./wire.ts";

export interface WaitForConditionContext {
  logger: DurableLogger;
  /** 1 for the first poll. */
  attempt: number;
}

export type WaitForConditionCheck<T> = (state: T, context: WaitForConditionContext) => T | Promise<T>;

export interface WaitForConditionConfig<T> {
  /** State handed to the first poll. Required. */
  initialState: T;
  /** Stop, or poll again after a delay; see createWaitStrategy. Required. */
  waitStrategy: WaitStrategy<T>;
  /** @default the context's serdes (JSON) */
  serdes?: Serdes<T>;
}

const noop = (): void => {};

export function waitForCondition<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<T> {
  const { name, rest } = splitName("waitForCondition", args, NameRule.stringOrUndefinedFirst);
  const [check, config] = rest as [WaitForConditionCheck<T>, WaitForConditionConfig<T> | undefined];
  requireFunction("waitForCondition", "check", check);
  if (typeof config?.waitStrategy !== "function" || config.initialState === undefined) {
    throw new DurableError(
      ErrorCode.INVALID_ARGUMENT,
      `waitForCondition${name === undefined ? "" : ` "${name}"`}: the config needs initialState and waitStrategy, ` +
        `e.g. { initialState: { done: false }, waitStrategy: createWaitStrategy({ shouldContinuePolling: (s) => !s.done }) }.`,
    );
  }
  const { initialState, waitStrategy } = config;

  return ctx.operation(async (): Promise<T> => {
    const slot = ctx.allocate({ type: OperationType.STEP, subType: OperationSubType.WAIT_FOR_CONDITION, name });
    const serdes = config.serdes ?? ctx.execution.serdes;
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
      const recorded = op?.StepDetails?.Result;
      const state = recorded !== undefined && recorded !== "" ? await deserializeWith<T>(serdes, recorded, what, slot.serdesContext()) : initialState;
      const attempt = (op?.StepDetails?.Attempt ?? 0) + 1;
      if (op?.Status !== OperationStatus.STARTED) ctx.checkpoint(slot.update(OperationAction.START)).catch(noop);
      let payload: string | undefined;
      let stop: boolean;
      let delaySeconds = 1;
      try {
        const next = await poll(ctx, slot, check, state, attempt);
        payload = await serializeWith(serdes, next, what, slot.serdesContext());
        const bytes = utf8Bytes(payload);
        if (bytes > Limits.OPERATION_PAYLOAD_BYTES) throw new PayloadTooLargeError(`The state of ${what}`, bytes, Limits.OPERATION_PAYLOAD_BYTES);
        const decision = waitStrategy(await deserializeWith<T>(serdes, payload, what, slot.serdesContext()), attempt);
        stop = !decision.shouldContinue;
        if (decision.shouldContinue) delaySeconds = durationToSeconds(decision.delay, `the wait strategy delay of ${what}`, 1);
      } catch (error) {
        if (DurableError.is(error) && error.fatal) throw error;
        const errorObject = toErrorObject(error);
        await ctx.checkpoint(slot.update(OperationAction.FAIL, { Error: errorObject }));
        throw fromErrorObject(errorObject);
      }
      const withState = payload === undefined ? {} : { Payload: payload };
      if (stop) {
        await ctx.checkpoint(slot.update(OperationAction.SUCCEED, withState));
        return deserializeWith<T>(serdes, payload, what, slot.serdesContext());
      }
      await ctx.checkpoint(slot.update(OperationAction.RETRY, { ...withState, StepOptions: { NextAttemptDelaySeconds: delaySeconds } }));
      await ctx.waitFor(slot, (o) => o?.Status === OperationStatus.READY);
    }
  }, (value) => Promise.resolve(value));
}

/** One poll, run like a step body: counted as executing, durable calls refused inside. */
async function poll<T>(ctx: DurableContextImpl, slot: OperationSlot, check: WaitForConditionCheck<T>, state: T, attempt: number): Promise<T> {
  const end = ctx.execution.lifecycle.beginExecuting();
  try {
    return await runInStep(ctx, () => check(state, { logger: ctx.createLogger(slot.id), attempt }));
  } finally {
    end();
  }
}
