/**
 * The options the operations of compiled code run with, where they differ from the ctx API's
 * (the official SDK's): values keep their types across a checkpoint (rich-serdes.ts) in step
 * results, child context results, branch results and batch payloads, and so do the errors of
 * failed branches (rich-errors.ts); a step's retry strategy honours FatalError and
 * RetryableError. A config the user gave (a step's `serdes` set with configureStep) wins. Nothing
 * here changes what `ctx.*` does.
 */
import type { BatchConfig } from "../batch/batch-operation.ts";
import { BatchResult, batchResultRecord, deserializeBatchResult } from "../batch/batch-result.ts";
import type { ErrorCodec } from "../batch/batch-result.ts";
import { fromErrorObject, toErrorObject } from "../context/errors.ts";
import { errorFromObject, isRichErrorObject, originalError } from "../context/rich-errors.ts";
import type { ChildConfig } from "../operations/child-context.ts";
import { deserializeRich, isCarriable, richSerdes, serializeRich } from "../context/rich-serdes.ts";
import type { Serdes } from "../context/serdes.ts";
import type { StepConfig } from "../operations/step.ts";
import { FatalError, RetryableError } from "../context/flow-errors.ts";
import type { RetryStrategy } from "../operations/retry-strategy.ts";
import { retryPresets } from "../operations/retry-strategy.ts";
import { toDuration } from "./durations.ts";

export function stepOptions<T>(config: StepConfig<T> | undefined): StepConfig<T> {
  return { ...config, serdes: config?.serdes ?? richSerdes, retryStrategy: honouringFlowErrors(config?.retryStrategy ?? retryPresets.default) };
}

/**
 * The step's retry strategy, with Vercel Workflow's errors honoured: a FatalError is never retried;
 * a RetryableError with `retryAfter` waits that long when the strategy retries at all.
 */
function honouringFlowErrors(strategy: RetryStrategy): RetryStrategy {
  return (error, attemptsMade) => {
    if (error instanceof FatalError) return { shouldRetry: false };
    const decision = strategy(error, attemptsMade);
    if (!(error instanceof RetryableError) || error.retryAfter === undefined || !decision.shouldRetry) return decision;
    const after = error.retryAfter;
    const delay = after instanceof Date ? { seconds: Math.max(1, Math.ceil((after.getTime() - Date.now()) / 1000)) } : toDuration(after, "RetryableError retryAfter");
    return { shouldRetry: true, ...(delay && { delay }) };
  };
}

/** A result that is not data (a callback's promise, a function) is kept in memory and rebuilt on replay. */
const notData = (result: unknown): boolean => !isCarriable(result);

export function childOptions<T>(): ChildConfig<T> {
  return { serdes: richSerdes, replayChildren: notData };
}

/** A failed unit's error as its original (rich) record, rebuilt as the original error. */
const errorCodec: ErrorCodec = {
  toObject: (error) => toErrorObject(originalError(error)),
  fromObject: (object) => (isRichErrorObject(object) ? errorFromObject(object) : fromErrorObject(object)),
};

/**
 * A map / parallel payload: the official record, written by the rich serdes, so a batch of plain
 * results has the official SDK's bytes and a batch of Dates keeps them; failed units keep their
 * original error (class, fields, cause, stack).
 */
const batchSerdes: Serdes<BatchResult<unknown>> = {
  serialize: (result) => (result === undefined ? undefined : serializeRich(batchResultRecord(result, errorCodec))),
  deserialize: (data) => (data === undefined ? undefined : deserializeBatchResult(data, errorCodec, deserializeRich(data))),
};

export function batchOptions<R>(): BatchConfig<R> {
  return { itemSerdes: richSerdes, serdes: batchSerdes as Serdes<BatchResult<R>>, replayChildren: notData };
}
