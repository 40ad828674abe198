/**
 * use-durable: the runtime's public API. `withDurableExecution` and the DurableContext it hands
 * to a handler (method names, argument order and options as in @aws/durable-execution-sdk-js
 * 2.x), the intrinsics compiled code and plain code call, strategies, serdes and errors.
 * What compiled code alone needs lives in ./internal.ts.
 */
export { withDurableExecution } from "./dialect/with-durable-execution.ts";
export type { DurableExecutionConfig, DurableExecutionHandler, DurableHandler, DurableLambdaHandler } from "./dialect/with-durable-execution.ts";
export type { DurableContext } from "./context/durable-context.ts";
export { DurablePromise } from "./context/durable-promise.ts";
export type { DurableExecutionClient } from "./protocol/client.ts";
export type { LambdaClientLike } from "./protocol/lambda-client.ts";
export { context, step, sleep } from "./dialect/intrinsics.ts";
export { patched } from "./dialect/patched.ts";
export { createCallback, waitForCallback, invoke, waitForCondition, map, parallel } from "./dialect/operation-intrinsics.ts";
export type { CreateCallbackConfig, CreateCallbackResult } from "./operations/callback.ts";
export type { WaitForCallbackConfig, WaitForCallbackContext, WaitForCallbackSubmitter } from "./operations/wait-for-callback.ts";
export type { InvokeConfig } from "./operations/invoke.ts";
export type { WaitForConditionCheck, WaitForConditionCheckFunc, WaitForConditionConfig, WaitForConditionContext } from "./operations/wait-for-condition.ts";
export { createWaitStrategy, WAIT_STRATEGY_DEFAULTS } from "./operations/wait-strategy.ts";
export type {
  WaitForConditionDecision, WaitForConditionWaitStrategyFunc, WaitStrategy, WaitStrategyConfig, WaitStrategyDecision,
} from "./operations/wait-strategy.ts";
export type { MapConfig, MapFunc, MapFunction } from "./batch/map.ts";
export type { NamedParallelBranch, ParallelBranch, ParallelConfig, ParallelFunc, ParallelFunction } from "./batch/parallel.ts";
export { NestingType } from "./batch/batch-operation.ts";
export type { BatchConfig, ConcurrencyConfig, ConcurrentExecutionItem, ConcurrentExecutor } from "./batch/batch-operation.ts";
export { BatchResult, BatchItemStatus } from "./batch/batch-result.ts";
export type { BatchItem } from "./batch/batch-result.ts";
export { CompletionReason, CompletionOutcome, completeBatch, continueBatch } from "./batch/completion.ts";
export type {
  CompletionConfig, CompletionDecision, CompletionItemStatus, CompletionStatus, CustomCompletionConfig, ThresholdCompletionConfig,
} from "./batch/completion.ts";
export type { ItemBatcher } from "./batch/item-batcher.ts";
export type { DurablePromiseCombinators } from "./batch/promise-combinators.ts";
export { configureStep } from "./dialect/tags.ts";
export { StepSemantics } from "./operations/step.ts";
export type { StepConfig, StepContext, StepFunc, StepFunction } from "./operations/step.ts";
export type { ChildConfig, ChildFunc, ChildFunction } from "./operations/child-context.ts";
export type { Duration } from "./context/duration.ts";
export { createRetryStrategy, createLinearRetryStrategy, retryPresets, JitterStrategy } from "./operations/retry-strategy.ts";
export type { RetryDecision, RetryStrategy, RetryStrategyConfig, LinearRetryStrategyConfig } from "./operations/retry-strategy.ts";
export { defaultSerdes } from "./context/serdes.ts";
export { createClassSerdes, createClassSerdesWithDates } from "./context/class-serdes.ts";
export { createFileSystemSerdes, FileSystemPathEncoding, FileSystemSerdesMode } from "./context/file-system-serdes.ts";
export type { FileSystemSerdesConfig } from "./context/file-system-serdes.ts";
export { buildPreview, FieldMatchMode, PreviewMode } from "./context/preview.ts";
export type { PreviewConfig, PreviewField } from "./context/preview.ts";
export { withRetry } from "./operations/with-retry.ts";
export type { RetryableFunc, WithRetryConfig } from "./operations/with-retry.ts";
export { DurableExecutionApiClient } from "./protocol/api-client.ts";
export { DurableExecutionInvocationInputWithClient } from "./protocol/invocation-input.ts";
export { DurableExecutionClientError, DurableExecutionClientErrorScope, isDurableExecutionClientError } from "./protocol/client-error.ts";
export type { DurableExecutionClientErrorOptions } from "./protocol/client-error.ts";
export { refreshLogConfig } from "./protocol/verbose.ts";
export {
  AttemptEndInfoOutcome, DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION, PluginInvocationStatus, PluginOperationStatus,
} from "./context/plugin.ts";
export type {
  AttemptEndInfo, AttemptInfo, CustomerFn, CustomerFnResult, DurableInstrumentationPlugin, DurableInstrumentationPluginProvider,
  DurableInstrumentationPluginType, InvocationBaseInfo, InvocationEndInfo, InvocationInfo, OperationChangeInfo, OperationEndInfo, OperationInfo,
} from "./context/plugin.ts";
export { PluginLoadError } from "./context/plugin-loader.ts";
export { SDK_VERSION } from "./protocol/version.ts";
export type { Serdes, SerdesContext } from "./context/serdes.ts";
export type { AnySerdes, AnySerdesDeserializer } from "./context/serdes-types.ts";
export type { SerdesConfig } from "./context/execution.ts";
export type { DurableContextLogger, DurableLogData, DurableLogger, DurableLoggingContext, LoggerConfig } from "./context/logger.ts";
export {
  DurableError, DurableOperationError, ErrorCode, StepError, ChildContextError, CallbackError,
  CallbackExternalError, CallbackTimeoutError, CallbackSubmitterError, InvokeError, WaitForConditionError,
  PromiseCombinatorError, BatchCompletionError, StepInterruptedError, NonDeterministicExecutionError,
  PayloadTooLargeError, SerdesError, CheckpointError, toErrorObject, fromErrorObject,
} from "./context/errors.ts";
export { OperationType, OperationStatus, OperationAction, OperationSubType, InvocationStatus } from "./protocol/wire.ts";
export type { ErrorObject, DurableExecutionInvocationOutput } from "./protocol/wire.ts";
export type {
  CallbackDetails, CallbackOptions, ChainedInvokeDetails, ChainedInvokeOptions, CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse, CheckpointUpdatedExecutionState, ContextDetails, ContextOptions, DurableExecutionInvocationInput,
  ExecutionDetails, GetDurableExecutionStateRequest, GetDurableExecutionStateResponse, Operation, OperationUpdate, StepDetails,
  StepOptions, WaitDetails, WaitOptions, WireOperation, WireStepDetails, WireTimestamp, WireWaitDetails,
} from "./protocol/wire-model.ts";
// The dialect's promise (compiled code): values keep their types, classes are registered.
export { registerClass, registerClass as registerErrorClass } from "./context/class-registry.ts";
export type { ClassKey } from "./context/class-registry.ts";
export { richSerdes } from "./context/rich-serdes.ts";
export { FatalError, RetryableError } from "./context/flow-errors.ts";
export type { RetryableErrorOptions } from "./context/flow-errors.ts";
export { stepMetadata } from "./dialect/step-metadata.ts";
export type { StepMetadata } from "./dialect/step-metadata.ts";
export type { SleepDuration } from "./dialect/intrinsics.ts";
export { durableFunction } from "./dialect/durable-function.ts";
export type { DurableFunction, DurableInvocationHandler } from "./dialect/durable-function.ts";
