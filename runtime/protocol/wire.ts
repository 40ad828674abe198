/**
 * Wire types of the Lambda durable execution protocol: the shapes the service sends and accepts.
 * Field names, enum strings and limits are protocol facts (see the protocol reference); nothing in
 * this module has behaviour. Enums are `as const` objects so the strings stay the wire strings.
 */
import { stringEnum } from "./string-enum.ts";

export const OperationType = stringEnum("EXECUTION", "CONTEXT", "STEP", "WAIT", "CALLBACK", "CHAINED_INVOKE");
export type OperationType = (typeof OperationType)[keyof typeof OperationType];

export const OperationStatus = stringEnum("STARTED", "PENDING", "READY", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED");
export type OperationStatus = (typeof OperationStatus)[keyof typeof OperationStatus];

export const OperationAction = stringEnum("START", "SUCCEED", "FAIL", "RETRY", "CANCEL");
export type OperationAction = (typeof OperationAction)[keyof typeof OperationAction];

/** SubType strings used by the official JS SDK; they take part in replay checks and histories. */
export const OperationSubType = {
  STEP: "Step",
  WAIT: "Wait",
  CALLBACK: "Callback",
  RUN_IN_CHILD_CONTEXT: "RunInChildContext",
  MAP: "Map",
  MAP_ITERATION: "MapIteration",
  PARALLEL: "Parallel",
  PARALLEL_BRANCH: "ParallelBranch",
  WAIT_FOR_CALLBACK: "WaitForCallback",
  WAIT_FOR_CONDITION: "WaitForCondition",
  CHAINED_INVOKE: "ChainedInvoke",
} as const;
export type OperationSubType = (typeof OperationSubType)[keyof typeof OperationSubType];

export const InvocationStatus = stringEnum("SUCCEEDED", "FAILED", "PENDING");
export type InvocationStatus = (typeof InvocationStatus)[keyof typeof InvocationStatus];

/** Timestamps arrive as ISO strings on the event, as Dates from AWS SDK responses. */
export type WireTimestamp = Date | string | number;

export interface ErrorObject {
  ErrorMessage?: string;
  ErrorType?: string;
  ErrorData?: string;
  StackTrace?: string[];
}

export interface Operation {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: OperationType | string;
  SubType?: string;
  Status: OperationStatus | string;
  StartTimestamp?: WireTimestamp;
  EndTimestamp?: WireTimestamp;
  ExecutionDetails?: { InputPayload?: string };
  ContextDetails?: { ReplayChildren?: boolean; Result?: string; Error?: ErrorObject };
  StepDetails?: { Attempt?: number; NextAttemptTimestamp?: WireTimestamp; Result?: string; Error?: ErrorObject };
  WaitDetails?: { ScheduledEndTimestamp?: WireTimestamp };
  CallbackDetails?: { CallbackId?: string; Result?: string; Error?: ErrorObject };
  ChainedInvokeDetails?: { Result?: string; Error?: ErrorObject };
}

export interface OperationUpdate {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: OperationType;
  SubType?: string;
  Action: OperationAction;
  Payload?: string;
  Error?: ErrorObject;
  ContextOptions?: { ReplayChildren?: boolean };
  StepOptions?: { NextAttemptDelaySeconds?: number };
  WaitOptions?: { WaitSeconds?: number };
  CallbackOptions?: { TimeoutSeconds?: number; HeartbeatTimeoutSeconds?: number };
  ChainedInvokeOptions?: { FunctionName: string; TenantId?: string; XAmznTraceId?: string };
}

export interface ExecutionStatePage {
  Operations?: Operation[];
  NextMarker?: string;
}

export interface DurableExecutionInvocationInput {
  DurableExecutionArn: string;
  CheckpointToken: string;
  UpdatedOperationIds?: string[];
  InitialExecutionState: ExecutionStatePage;
}

export type DurableExecutionInvocationOutput =
  | { Status: "SUCCEEDED"; Result?: string }
  | { Status: "FAILED"; Error: ErrorObject }
  | { Status: "PENDING" };

export interface CheckpointRequest {
  DurableExecutionArn: string;
  CheckpointToken: string;
  Updates?: OperationUpdate[];
  ClientToken?: string;
}

export interface CheckpointResponse {
  CheckpointToken?: string;
  NewExecutionState?: ExecutionStatePage;
}

export interface GetExecutionStateRequest {
  DurableExecutionArn: string;
  CheckpointToken: string;
  Marker?: string;
  MaxItems?: number;
}

/** Limits the service enforces or the official SDK assumes; bytes are UTF-8 bytes. */
export const Limits = {
  /** Per-operation payload; the service rejects STEP results above it ("... 262144 bytes"). */
  OPERATION_PAYLOAD_BYTES: 256 * 1024,
  /** Lambda response size minus headroom for the envelope, as the official SDK uses. */
  RESPONSE_BYTES: 6 * 1024 * 1024 - 50,
  CHECKPOINT_BATCH_ITEMS: 250,
  CHECKPOINT_BATCH_BYTES: 750 * 1024,
  STATE_PAGE_ITEMS: 1000,
  NAME_CHARS: 256,
} as const;
