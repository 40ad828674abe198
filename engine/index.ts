/**
 * use-durable/engine: the Lambda durable execution service on one machine. `createEngine()` opens
 * (or creates) the SQLite store, registers functions (in-process handlers or built bundles run in
 * worker threads), starts and invokes executions, fires timers, takes callbacks, and serves
 * Lambda's HTTP API on 127.0.0.1 when asked. engine/SPEC.md is the contract.
 */
export { createEngine, Engine } from "./engine.ts";
export { readEngineHistories } from "./history-reader.ts";
export type { RecordedEngineExecution } from "./history-reader.ts";
export type { StartOptions } from "./engine.ts";
export type { ExtensionHandler } from "./http/server.ts";
export type { EngineOptions, ResolvedEngineOptions } from "./options.ts";
export type { FunctionCode, FunctionOptions, LambdaHandler, RegisteredFunction } from "./invoke/functions.ts";
export { EngineError, EngineErrorCode } from "./engine-error.ts";
export { ServiceError } from "./service/service-error.ts";
export type { ServiceErrorType } from "./service/service-error.ts";
export type { ExecutionView } from "./service/queries.ts";
export type { Committed } from "./service/transaction.ts";
export type { ExecutionChange } from "./service/execution-work.ts";
