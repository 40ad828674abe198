/**
 * use-durable: the runtime's public API. `withDurableExecution` and the DurableContext it hands
 * to a handler (method names, argument order and options as in @aws/durable-execution-sdk-js
 * 2.x), the intrinsics compiled code and plain code call, strategies, serdes and errors.
 * What compiled code alone needs lives in ./internal.ts.
 */
export { withDurableExecution } from "./with-durable-execution.ts";
export type { DurableExecutionConfig, DurableHandler, DurableLambdaHandler } from "./with-durable-execution.ts";
export type { DurableContext } from "./durable-context.ts";
export { DurablePromise } from "./durable-promise.ts";
export type { DurableExecutionClient } from "./client.ts";
export type { LambdaClientLike } from "./lambda-client.ts";
export { context, step, sleep } from "./intrinsics.ts";
export { createCallback, waitForCallback, invoke, waitForCondition, map, parallel } from "./operation-intrinsics.ts";
export type { CreateCallbackConfig, CreateCallbackResult } from "./callback.ts";
export type { WaitForCallbackConfig, WaitForCallbackContext, WaitForCallbackSubmitter } from "./wait-for-callback.ts";
export type { InvokeConfig } from "./invoke.ts";
export type { WaitForConditionCheck, WaitForConditionConfig, WaitForConditionContext } from "./wait-for-condition.ts";
export { createWaitStrategy, WAIT_STRATEGY_DEFAULTS } from "./wait-strategy.ts";
export type { WaitStrategy, WaitStrategyConfig, WaitStrategyDecision } from "./wait-strategy.ts";
export type { MapConfig, MapFunction } from "./map.ts";
export type { NamedParallelBranch, ParallelBranch, ParallelConfig, ParallelFunction } from "./parallel.ts";
export { NestingType } from "./batch-operation.ts";
export type { BatchConfig } from "./batch-operation.ts";
export { BatchResult, BatchItemStatus } from "./batch-result.ts";
export type { BatchItem } from "./batch-result.ts";
export { CompletionReason, CompletionOutcome, completeBatch, continueBatch } from "./completion.ts";
export type { CompletionConfig, CompletionDecision, CompletionStatus } from "./completion.ts";
export type { ItemBatcher } from "./item-batcher.ts";
export type { DurablePromiseCombinators } from "./promise-combinators.ts";
export { configureStep } from "./tags.ts";
export { StepSemantics } from "./step.ts";
export type { StepConfig, StepContext, StepFunction } from "./step.ts";
export type { ChildConfig, ChildFunction } from "./child-context.ts";
export type { Duration } from "./duration.ts";
export { createRetryStrategy, createLinearRetryStrategy, retryPresets, JitterStrategy } from "./retry-strategy.ts";
export type { RetryDecision, RetryStrategy, RetryStrategyConfig, LinearRetryStrategyConfig } from "./retry-strategy.ts";
export { defaultSerdes } from "./serdes.ts";
export type { Serdes, SerdesContext } from "./serdes.ts";
export type { SerdesConfig } from "./execution.ts";
export type { DurableLogger, LoggerConfig } from "./logger.ts";
export {
  DurableError, DurableOperationError, ErrorCode, StepError, ChildContextError, CallbackError,
  CallbackExternalError, CallbackTimeoutError, CallbackSubmitterError, InvokeError, WaitForConditionError,
  PromiseCombinatorError, BatchCompletionError, StepInterruptedError, NonDeterministicExecutionError,
  PayloadTooLargeError, SerdesError, CheckpointError, toErrorObject, fromErrorObject,
} from "./errors.ts";
export { OperationType, OperationStatus, OperationAction, OperationSubType, InvocationStatus } from "./wire.ts";
export type {
  ErrorObject, Operation, OperationUpdate, DurableExecutionInvocationInput, DurableExecutionInvocationOutput,
} from "./wire.ts";
