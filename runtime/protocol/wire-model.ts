/**
 * The wire shapes as the official SDK 2.4 publishes them (types only, no code): what a custom
 * DurableExecutionClient receives and returns, and what a test builds an invocation event from.
 * Every field may be undefined, as in the AWS SDK's model, and timestamps are Date or ISO string
 * (`WireTimestamp`), so a transport written against the official types fits here unchanged. The
 * runtime reads these through its own narrower shapes in wire.ts. The response fields are optional
 * here (required but possibly undefined in the official model), so both kinds of client fit.
 */
import type { OperationAction, OperationStatus, OperationType } from "./wire.ts";

export type WireTimestamp = Date | string;

export interface ErrorObject {
  ErrorMessage?: string | undefined;
  ErrorType?: string | undefined;
  ErrorData?: string | undefined;
  StackTrace?: string[] | undefined;
}
export interface ExecutionDetails {
  InputPayload?: string | undefined;
}
export interface ContextDetails {
  ReplayChildren?: boolean | undefined;
  Result?: string | undefined;
  Error?: ErrorObject | undefined;
}
export interface StepDetails {
  Attempt?: number | undefined;
  NextAttemptTimestamp?: Date | undefined;
  Result?: string | undefined;
  Error?: ErrorObject | undefined;
}
export interface WireStepDetails extends Omit<StepDetails, "NextAttemptTimestamp"> {
  NextAttemptTimestamp?: WireTimestamp | undefined;
}
export interface WaitDetails {
  ScheduledEndTimestamp?: Date | undefined;
}
export interface WireWaitDetails {
  ScheduledEndTimestamp?: WireTimestamp | undefined;
}
export interface CallbackDetails {
  CallbackId?: string | undefined;
  Result?: string | undefined;
  Error?: ErrorObject | undefined;
}
export interface ChainedInvokeDetails {
  Result?: string | undefined;
  Error?: ErrorObject | undefined;
}

/** An operation with its timestamps as Dates. */
export interface Operation {
  Id: string | undefined;
  ParentId?: string | undefined;
  Name?: string | undefined;
  Type: OperationType | undefined;
  SubType?: string | undefined;
  StartTimestamp: Date | undefined;
  EndTimestamp?: Date | undefined;
  Status: OperationStatus | undefined;
  ExecutionDetails?: ExecutionDetails | undefined;
  ContextDetails?: ContextDetails | undefined;
  StepDetails?: StepDetails | undefined;
  WaitDetails?: WaitDetails | undefined;
  CallbackDetails?: CallbackDetails | undefined;
  ChainedInvokeDetails?: ChainedInvokeDetails | undefined;
}

/** An operation as it travels: timestamps as Date or ISO string. */
export interface WireOperation extends Omit<Operation, "StartTimestamp" | "EndTimestamp" | "StepDetails" | "WaitDetails"> {
  StartTimestamp: WireTimestamp | undefined;
  EndTimestamp?: WireTimestamp | undefined;
  StepDetails?: WireStepDetails | undefined;
  WaitDetails?: WireWaitDetails | undefined;
}

export interface ContextOptions {
  ReplayChildren?: boolean | undefined;
}
export interface StepOptions {
  NextAttemptDelaySeconds?: number | undefined;
}
export interface WaitOptions {
  WaitSeconds?: number | undefined;
}
export interface CallbackOptions {
  TimeoutSeconds?: number | undefined;
  HeartbeatTimeoutSeconds?: number | undefined;
}
export interface ChainedInvokeOptions {
  FunctionName: string | undefined;
  TenantId?: string | undefined;
}

export interface OperationUpdate {
  Id: string | undefined;
  ParentId?: string | undefined;
  Name?: string | undefined;
  Type: OperationType | undefined;
  SubType?: string | undefined;
  Action: OperationAction | undefined;
  Payload?: string | undefined;
  Error?: ErrorObject | undefined;
  ContextOptions?: ContextOptions | undefined;
  StepOptions?: StepOptions | undefined;
  WaitOptions?: WaitOptions | undefined;
  CallbackOptions?: CallbackOptions | undefined;
  ChainedInvokeOptions?: ChainedInvokeOptions | undefined;
}

export interface CheckpointUpdatedExecutionState {
  Operations?: WireOperation[] | undefined;
  NextMarker?: string | undefined;
}
export interface CheckpointDurableExecutionRequest {
  DurableExecutionArn: string | undefined;
  CheckpointToken: string | undefined;
  Updates?: OperationUpdate[] | undefined;
  ClientToken?: string | undefined;
}
export interface CheckpointDurableExecutionResponse {
  CheckpointToken?: string | undefined;
  NewExecutionState?: CheckpointUpdatedExecutionState | undefined;
}
export interface GetDurableExecutionStateRequest {
  DurableExecutionArn: string | undefined;
  CheckpointToken: string | undefined;
  Marker?: string | undefined;
  MaxItems?: number | undefined;
}
export interface GetDurableExecutionStateResponse {
  Operations?: WireOperation[] | undefined;
  NextMarker?: string | undefined;
}

/** The event a durable handler is invoked with. */
export interface DurableExecutionInvocationInput {
  DurableExecutionArn: string;
  CheckpointToken: string;
  UpdatedOperationIds?: string[];
  InitialExecutionState: { Operations: WireOperation[]; NextMarker?: string | undefined };
}
