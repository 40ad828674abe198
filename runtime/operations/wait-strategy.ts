/**
 * `createWaitStrategy`: how often `waitForCondition` polls, with the official SDK 2.x defaults.
 *
 * A strategy is a pure function of (state, attempts made): stop, or poll again after a whole
 * number of seconds (at least 1). Jitter draws from Math.random, which is safe here: the drawn
 * delay is checkpointed with the RETRY, never recomputed on replay.
 */
import { durationToSeconds } from "../context/duration.ts";
import type { Duration } from "../context/duration.ts";
import { DurableError, ErrorCode, WaitForConditionError } from "../context/errors.ts";
import { JitterStrategy, applyJitter } from "./retry-strategy.ts";


export type WaitStrategyDecision = { shouldContinue: false } | { shouldContinue: true; delay: Duration };
export type WaitStrategy<T> = (state: T, attemptsMade: number) => WaitStrategyDecision;
/** The official SDK's names for the two above. */
export type WaitForConditionDecision = WaitStrategyDecision;
export type WaitForConditionWaitStrategyFunc<T> = WaitStrategy<T>;

export interface WaitStrategyConfig<T> {
  /** True while the condition is not met yet. */
  shouldContinuePolling: (state: T) => boolean;
  /** Polls before giving up. @default 60 */
  maxAttempts?: number;
  /** Delay after the first poll. @default { seconds: 5 } */
  initialDelay?: Duration;
  /** Upper bound of the delay before jitter. @default { seconds: 300 } */
  maxDelay?: Duration;
  /** Growth of the delay per attempt. @default 1.5 */
  backoffRate?: number;
  /** @default "FULL" (uniform in [0, delay]) */
  jitter?: JitterStrategy;
}

export const WAIT_STRATEGY_DEFAULTS = {
  maxAttempts: 60,
  initialDelay: { seconds: 5 },
  maxDelay: { seconds: 300 },
  backoffRate: 1.5,
  jitter: JitterStrategy.FULL,
} as const;

/** What a strategy throws when the condition is still unmet after `maxAttempts` polls. */
export function exhaustedError(attempts: number): WaitForConditionError {
  return new WaitForConditionError(
    `waitForCondition exceeded maximum attempts (${attempts}): the condition was still unmet after ${attempts} polls; raise maxAttempts or the delays of createWaitStrategy if it needs longer`,
  );
}

export function createWaitStrategy<T>(config: WaitStrategyConfig<T>): WaitStrategy<T> {
  if (typeof config?.shouldContinuePolling !== "function") {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, "createWaitStrategy needs a shouldContinuePolling(state) function, e.g. createWaitStrategy({ shouldContinuePolling: (s) => !s.done })");
  }
  const maxAttempts = config.maxAttempts ?? WAIT_STRATEGY_DEFAULTS.maxAttempts;
  const backoffRate = config.backoffRate ?? WAIT_STRATEGY_DEFAULTS.backoffRate;
  const jitter = config.jitter ?? WAIT_STRATEGY_DEFAULTS.jitter;
  const initial = durationToSeconds(config.initialDelay ?? WAIT_STRATEGY_DEFAULTS.initialDelay, "createWaitStrategy initialDelay");
  const max = durationToSeconds(config.maxDelay ?? WAIT_STRATEGY_DEFAULTS.maxDelay, "createWaitStrategy maxDelay");
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `createWaitStrategy: maxAttempts must be a whole number >= 1, got ${String(maxAttempts)}`);
  }
  if (!(backoffRate >= 1)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `createWaitStrategy: backoffRate must be >= 1, got ${String(backoffRate)}`);
  }
  return (state, attemptsMade) => {
    if (!config.shouldContinuePolling(state)) return { shouldContinue: false };
    if (attemptsMade >= maxAttempts) throw exhaustedError(maxAttempts);
    const base = Math.min(initial * backoffRate ** (attemptsMade - 1), max);
    return { shouldContinue: true, delay: { seconds: applyJitter(base, jitter) } };
  };
}
