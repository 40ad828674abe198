/**
 * Retry strategies for steps, with the official SDK's names, defaults and delay rules:
 * exponential (`createRetryStrategy`) and linear backoff, FULL / HALF / NONE jitter, delays
 * rounded to whole seconds and at least 1, and `retryPresets`. A strategy is a plain function
 * `(error, attemptsMade) => { shouldRetry, delay? }`.
 */
import type { Duration } from "../context/duration.ts";
import { durationToSeconds } from "../context/duration.ts";
import { stringEnum } from "../protocol/string-enum.ts";

export const JitterStrategy = stringEnum("NONE", "FULL", "HALF");
export type JitterStrategy = (typeof JitterStrategy)[keyof typeof JitterStrategy];

export interface RetryDecision {
  shouldRetry: boolean;
  delay?: Duration;
}

export type RetryStrategy = (error: Error, attemptsMade: number) => RetryDecision;

type ErrorClass = abstract new (...args: any[]) => Error;

interface CommonRetryConfig {
  /** Total attempts, the first included. */
  maxAttempts?: number;
  initialDelay?: Duration;
  maxDelay?: Duration;
  jitter?: JitterStrategy;
  /** Message patterns (substring or RegExp). Both filters unset: every error retries. */
  retryableErrors?: Array<string | RegExp>;
  retryableErrorTypes?: ErrorClass[];
}

export interface RetryStrategyConfig extends CommonRetryConfig {
  backoffRate?: number;
}

export interface LinearRetryStrategyConfig extends CommonRetryConfig {
  increment?: Duration;
}

/** `random` is injectable so tests can pin jitter; production uses Math.random. */
export function applyJitter(delaySeconds: number, jitter: JitterStrategy, random: () => number = Math.random): number {
  const jittered =
    jitter === JitterStrategy.FULL ? random() * delaySeconds
    : jitter === JitterStrategy.HALF ? delaySeconds / 2 + random() * (delaySeconds / 2)
    : delaySeconds;
  return Math.max(1, Math.round(jittered));
}

function isRetryable(error: Error, config: CommonRetryConfig): boolean {
  const useDefault = config.retryableErrors === undefined && config.retryableErrorTypes === undefined;
  const patterns = config.retryableErrors ?? (useDefault ? [/.*/] : []);
  const message = error?.message ?? "";
  return (
    patterns.some((p) => (p instanceof RegExp ? p.test(message) : message.includes(p))) ||
    (config.retryableErrorTypes ?? []).some((type) => error instanceof type)
  );
}

/** Exponential backoff. Defaults: 3 attempts, 5 s initial, x2, 5 min cap, FULL jitter. */
export function createRetryStrategy(config: RetryStrategyConfig = {}, random?: () => number): RetryStrategy {
  const rate = config.backoffRate ?? 2;
  return backoff("createRetryStrategy", config, 3, 5, (initial, attempt) => initial * rate ** (attempt - 1), random);
}

/** Linear backoff. Defaults: 6 attempts, 1 s + 1 s per attempt, 5 min cap, FULL jitter. */
export function createLinearRetryStrategy(config: LinearRetryStrategyConfig = {}, random?: () => number): RetryStrategy {
  const increment = durationToSeconds(config.increment ?? { seconds: 1 }, "createLinearRetryStrategy increment");
  return backoff("createLinearRetryStrategy", config, 6, 1, (initial, attempt) => initial + increment * (attempt - 1), random);
}

/** What both strategies share: attempts, retryable errors, the cap and the jitter around `delay`. */
function backoff(
  method: string,
  config: CommonRetryConfig,
  defaultAttempts: number,
  defaultInitialSeconds: number,
  delay: (initialSeconds: number, attempt: number) => number,
  random: (() => number) | undefined,
): RetryStrategy {
  const maxAttempts = config.maxAttempts ?? defaultAttempts;
  const initial = durationToSeconds(config.initialDelay ?? { seconds: defaultInitialSeconds }, `${method} initialDelay`);
  const max = durationToSeconds(config.maxDelay ?? { minutes: 5 }, `${method} maxDelay`);
  const jitter = config.jitter ?? JitterStrategy.FULL;
  return (error, attemptsMade) => {
    if (attemptsMade >= maxAttempts || !isRetryable(error, config)) return { shouldRetry: false };
    return { shouldRetry: true, delay: { seconds: applyJitter(Math.min(delay(initial, attemptsMade), max), jitter, random) } };
  };
}

export const retryPresets = {
  /** 6 attempts, 5 s initial, x2, 60 s cap, FULL jitter: the step default. */
  default: createRetryStrategy({ maxAttempts: 6, initialDelay: { seconds: 5 }, maxDelay: { seconds: 60 }, backoffRate: 2 }),
  /** 6 attempts, 1 s, 2 s, ... 5 s, no jitter. */
  linear: createLinearRetryStrategy({ maxAttempts: 6, jitter: JitterStrategy.NONE }),
  /** One attempt. */
  noRetry: createRetryStrategy({ maxAttempts: 1 }),
} as const;
