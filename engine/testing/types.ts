/**
 * The public types of use-durable/testing, named and shaped as AWS's
 * @aws/durable-execution-sdk-js-testing 1.1.4 names them, so a test written for it type-checks
 * here; the runner's own generics add the handler's payload and result types.
 */
import type { ErrorObject, Operation, OperationStatus, OperationType } from "../../runtime/protocol/wire.ts";

export const WaitingOperationStatus = {
  /** Fires when the operation starts. */
  STARTED: "STARTED",
  /** As COMPLETED, except for waitForCallback: fires when its submitter has finished. */
  SUBMITTED: "SUBMITTED",
  /** Fires when the operation ends: CANCELLED, FAILED, STOPPED, SUCCEEDED or TIMED_OUT. */
  COMPLETED: "COMPLETED",
} as const;
export type WaitingOperationStatus = (typeof WaitingOperationStatus)[keyof typeof WaitingOperationStatus];

export const ExecutionStatus = { RUNNING: "RUNNING", SUCCEEDED: "SUCCEEDED", FAILED: "FAILED", TIMED_OUT: "TIMED_OUT", STOPPED: "STOPPED" } as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export const InvocationType = { Event: "Event", RequestResponse: "RequestResponse", DryRun: "DryRun" } as const;
export type InvocationType = (typeof InvocationType)[keyof typeof InvocationType];

/** A history event as GetDurableExecutionHistory returns it (timestamps as Dates). */
export interface Event {
  EventType?: string;
  SubType?: string;
  EventId?: number;
  Id?: string;
  Name?: string;
  EventTimestamp?: Date;
  ParentId?: string;
  [details: `${string}Details`]: any;
}

export interface TestResultError {
  errorMessage: string | undefined;
  errorType: string | undefined;
  errorData: string | undefined;
  stackTrace: string[] | undefined;
}

export interface Invocation {
  startTimestamp: Date | undefined;
  endTimestamp: Date | undefined;
  requestId: string | undefined;
  error: TestResultError | undefined;
}

export interface InvokeRequest<TPayload = unknown> {
  payload?: TPayload;
}

export interface ContextDetails<TResult = unknown> {
  readonly result: TResult | undefined;
  readonly error: TestResultError | undefined;
}

export interface StepDetails<TResult = unknown> {
  readonly attempt: number | undefined;
  readonly nextAttemptTimestamp: Date | undefined;
  readonly result: TResult | undefined;
  readonly error: TestResultError | undefined;
}

export interface CallbackDetails<TResult = unknown> {
  readonly callbackId: string;
  readonly error?: TestResultError;
  readonly result?: TResult;
}

export interface ChainedInvokeDetails<TResult = unknown> {
  readonly error?: TestResultError;
  readonly result?: TResult;
}

export interface WaitResultDetails {
  readonly waitSeconds?: number;
  readonly scheduledEndTimestamp?: Date;
}

export interface DurableOperation<TResult = any> {
  waitForData(status?: WaitingOperationStatus): Promise<DurableOperation<TResult>>;
  getContextDetails(): ContextDetails<TResult> | undefined;
  getStepDetails(): StepDetails<TResult> | undefined;
  getChainedInvokeDetails(): ChainedInvokeDetails<TResult> | undefined;
  getCallbackDetails(): CallbackDetails<TResult> | undefined;
  getWaitDetails(): WaitResultDetails | undefined;
  getChildOperations(): DurableOperation[] | undefined;
  getOperationData(): Operation | undefined;
  getEvents(): Event[] | undefined;
  getId(): string | undefined;
  getParentId(): string | undefined;
  getName(): string | undefined;
  getType(): OperationType | undefined;
  getSubType(): string | undefined;
  isWaitForCallback(): boolean;
  isCallback(): boolean;
  getStatus(): OperationStatus | undefined;
  getStartTimestamp(): Date | undefined;
  getEndTimestamp(): Date | undefined;
  sendCallbackSuccess(result?: string): Promise<Record<string, never>>;
  sendCallbackFailure(error?: ErrorObject): Promise<Record<string, never>>;
  sendCallbackHeartbeat(): Promise<Record<string, never>>;
}

export interface PrintConfig {
  parentId?: boolean;
  name?: boolean;
  type?: boolean;
  subType?: boolean;
  status?: boolean;
  startTime?: boolean;
  endTime?: boolean;
  duration?: boolean;
}

export interface TestResult<TResult = any> {
  getOperations(params?: { status: OperationStatus }): DurableOperation[];
  getInvocations(): Invocation[];
  getStatus(): ExecutionStatus | undefined;
  /** The result, parsed from JSON; throws (with the execution's error) unless it SUCCEEDED. */
  getResult(): TResult;
  getError(): TestResultError;
  getHistoryEvents(): Event[];
  print(config?: PrintConfig): void;
}

export interface LocalDurableTestRunnerSetupParameters {
  /** Virtual time that jumps to the next timer whenever nothing runs: waits, retries and timeouts take no time. */
  skipTime?: boolean;
  /** Accepted for compatibility with AWS's runner; checkpoints are never delayed here. */
  checkpointDelay?: number;
}
