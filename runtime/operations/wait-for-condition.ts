/**
 * `ctx.waitForCondition(name?, check(state, ctx), { initialState, waitStrategy, serdes? })`:
 * polling as ONE STEP with subtype WaitForCondition. Each poll runs `check` like a step body
 * (no durable calls inside), then asks the strategy: stop -> SUCCEED with the state; poll again
 * -> RETRY carrying the state and the delay, and wait (suspending if nothing else runs) until the
 * service marks the step READY. The next poll starts from the checkpointed state, so replay
 * never re-runs a poll. A throwing check or an exhausted strategy -> FAIL, rethrown as the
 * rebuilt error (WaitForConditionError for exhaustion).
 */
import { requireFunction, splitName } from "../context/arguments.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { durationToSeconds } from "../context/duration.ts";
import { DurableError, ErrorCode, fromErrorObject, toErrorObject } from "../context/errors.ts";
import type { DurableContextLogger, DurableLogger } from "../context/logger.ts";
import type { Serdes } from "../context/serdes.ts";
import { runAttempt, stepOperation } from "./step.ts";
import { deserializeWith, serializeWith } from "../context/serdes.ts";
import type { WaitStrategy } from "./wait-strategy.ts";
import { OperationAction, OperationStatus, OperationSubType } from "../protocol/wire.ts";

export interface WaitForConditionContext<Logger extends DurableLogger = DurableLogger> {
  logger: DurableContextLogger<Logger>;
  /** 1 for the first poll. */
  attempt: number;
}

export type WaitForConditionCheck<T, Logger extends DurableLogger = DurableLogger> = (state: T, context: WaitForConditionContext<Logger>) => T | Promise<T>;
/** The official SDK's name and shape for a check. */
export type WaitForConditionCheckFunc<T, Logger extends DurableLogger = DurableLogger> = (state: T, context: WaitForConditionContext<Logger>) => Promise<T>;

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
  const { name, rest, where } = splitName("waitForCondition", args);
  const [check, config] = rest as [WaitForConditionCheck<T>, WaitForConditionConfig<T> | undefined];
  requireFunction("waitForCondition", "check", check);
  if (typeof config?.waitStrategy !== "function" || config.initialState === undefined) {
    throw new DurableError(
      ErrorCode.INVALID_ARGUMENT,
      `${where}: the config needs initialState and waitStrategy, ` +
        `e.g. { initialState: { done: false }, waitStrategy: createWaitStrategy({ shouldContinuePolling: (s) => !s.done }) }.`,
    );
  }
  const { initialState, waitStrategy } = config;

  return stepOperation<T>(ctx, OperationSubType.WAIT_FOR_CONDITION, name, config.serdes, async (slot, op, attempt, serdes, what) => {
    const recorded = op?.StepDetails?.Result;
    const state = recorded !== undefined && recorded !== "" ? await deserializeWith<T>(serdes, recorded, what, slot.serdesContext()) : initialState;
    if (op?.Status !== OperationStatus.STARTED) ctx.checkpoint(slot.update(OperationAction.START)).catch(noop);
    let payload: string | undefined;
    let delaySeconds: number | undefined;
    try {
      const next = await runAttempt(ctx, slot, (c) => check(state, c), attempt);
      payload = await serializeWith(serdes, next, what, slot.serdesContext(), "state");
      const decision = waitStrategy(await deserializeWith<T>(serdes, payload, what, slot.serdesContext()), attempt);
      if (decision.shouldContinue) delaySeconds = durationToSeconds(decision.delay, `the wait strategy delay of ${what}`, 1);
    } catch (error) {
      if (DurableError.is(error) && error.fatal) throw error;
      const errorObject = toErrorObject(error);
      await ctx.checkpoint(slot.update(OperationAction.FAIL, { Error: errorObject }));
      throw fromErrorObject(errorObject);
    }
    if (delaySeconds === undefined) {
      await ctx.checkpoint(slot.update(OperationAction.SUCCEED, payload === undefined ? undefined : { Payload: payload }));
      return { value: await deserializeWith<T>(serdes, payload, what, slot.serdesContext()) };
    }
    await ctx.checkpoint(slot.update(OperationAction.RETRY, { ...(payload !== undefined && { Payload: payload }), StepOptions: { NextAttemptDelaySeconds: delaySeconds } }));
    await ctx.waitFor(slot, (o) => o?.Status === OperationStatus.READY);
    return undefined;
  });
}
