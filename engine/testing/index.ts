/**
 * use-durable/testing: test durable functions on the local engine (an in-memory store, skipped
 * time) with the API of AWS's `LocalDurableTestRunner` from @aws/durable-execution-sdk-js-testing,
 * so a test written for it runs here by changing the import. Typed from the handler: a durable
 * function `(order: Order) => Promise<Receipt>` gives `run({ payload: Order })` and a `Receipt`
 * from `getResult()`. `{ file, export }` compiles a source file with the plugin first.
 */
export { LocalDurableTestRunner } from "./runner.ts";
export type { DurableLambdaHandler, LocalDurableTestRunnerParameters, RunnerOptions } from "./runner.ts";
export type { SourceParameters } from "./source-handler.ts";
export { WaitingOperationStatus, ExecutionStatus, InvocationType } from "./types.ts";
export type {
  CallbackDetails, ChainedInvokeDetails, ContextDetails, DurableOperation, Event, Invocation, InvokeRequest,
  LocalDurableTestRunnerSetupParameters, PrintConfig, StepDetails, TestResult, TestResultError, WaitResultDetails,
} from "./types.ts";
export { OperationStatus, OperationType } from "../../runtime/protocol/wire.ts";
export type { Operation, ErrorObject } from "../../runtime/protocol/wire.ts";
