/**
 * Every error the runtime raises: one base class, `DurableError`, with a stable `code`, plus the
 * operation errors whose class names are the official SDK's `ErrorType` strings (so histories and
 * rebuilt errors are interchangeable). `fatal` says what an error does to the invocation:
 * "execution" ends it FAILED, "invocation" is thrown so Lambda retries the invocation.
 * This module imports nothing but wire types.
 */
import type { ErrorObject } from "./wire.ts";

export const ErrorCode = {
  INVALID_EVENT: "UD_INVALID_EVENT",
  INVALID_ARGUMENT: "UD_INVALID_ARGUMENT",
  INVALID_DURATION: "UD_INVALID_DURATION",
  NOT_IN_DURABLE_CONTEXT: "UD_NOT_IN_DURABLE_CONTEXT",
  INSIDE_STEP: "UD_INSIDE_STEP",
  NOT_DEPLOYED: "UD_NOT_DEPLOYED",
  NON_DETERMINISTIC: "UD_NON_DETERMINISTIC",
  PAYLOAD_TOO_LARGE: "UD_PAYLOAD_TOO_LARGE",
  SERDES_FAILED: "UD_SERDES_FAILED",
  CHECKPOINT_FAILED: "UD_CHECKPOINT_FAILED",
  CHECKPOINT_CLOSED: "UD_CHECKPOINT_CLOSED",
  CLIENT_UNAVAILABLE: "UD_CLIENT_UNAVAILABLE",
  STEP_FAILED: "UD_STEP_FAILED",
  STEP_INTERRUPTED: "UD_STEP_INTERRUPTED",
  CHILD_CONTEXT_FAILED: "UD_CHILD_CONTEXT_FAILED",
  CALLBACK_FAILED: "UD_CALLBACK_FAILED",
  INVOKE_FAILED: "UD_INVOKE_FAILED",
  WAIT_FOR_CONDITION_FAILED: "UD_WAIT_FOR_CONDITION_FAILED",
  COMBINATOR_FAILED: "UD_COMBINATOR_FAILED",
  BATCH_FAILED: "UD_BATCH_FAILED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type Fatality = "execution" | "invocation" | undefined;

const BRAND = Symbol.for("use-durable.error");

export class DurableError extends Error {
  readonly code: ErrorCode;
  /** Set on errors that end the invocation instead of reaching user code. */
  readonly fatal: Fatality;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fatal?: Fatality }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fatal = options?.fatal;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Works across realms and duplicated bundles, where `instanceof` does not. */
  static is(value: unknown): value is DurableError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Base of the errors an operation surfaces to user code; `errorType` is the wire ErrorType. */
export class DurableOperationError extends DurableError {
  readonly errorType: string;
  readonly errorData: string | undefined;

  constructor(errorType: string, code: ErrorCode, message: string, cause?: unknown, errorData?: string) {
    super(code, message, { cause });
    this.errorType = errorType;
    this.errorData = errorData;
    this.name = errorType;
  }
}

type OperationErrorClass = new (message?: string, cause?: unknown, errorData?: string) => DurableOperationError;

export class StepError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("StepError", ErrorCode.STEP_FAILED, message || "Step failed", cause, errorData);
  }
}
export class ChildContextError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("ChildContextError", ErrorCode.CHILD_CONTEXT_FAILED, message || "Child context failed", cause, errorData);
  }
}
export class CallbackError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string, errorType = "CallbackError") {
    super(errorType, ErrorCode.CALLBACK_FAILED, message || "Callback failed", cause, errorData);
  }
}
/** The external system reported failure (SendDurableExecutionCallbackFailure). */
export class CallbackExternalError extends CallbackError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super(message || "Callback failed", cause, errorData, "CallbackExternalError");
  }
}
export class CallbackTimeoutError extends CallbackError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super(message || "Callback timed out", cause, errorData, "CallbackTimeoutError");
  }
}
export class CallbackSubmitterError extends CallbackError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super(message || "Callback submitter failed", cause, errorData, "CallbackSubmitterError");
  }
}
export class InvokeError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("InvokeError", ErrorCode.INVOKE_FAILED, message || "Invoke failed", cause, errorData);
  }
}
export class WaitForConditionError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("WaitForConditionError", ErrorCode.WAIT_FOR_CONDITION_FAILED, message || "Wait for condition failed", cause, errorData);
  }
}
export class PromiseCombinatorError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("PromiseCombinatorError", ErrorCode.COMBINATOR_FAILED, message || "Promise combinator failed", cause, errorData);
  }
}
export class BatchCompletionError extends DurableOperationError {
  constructor(message?: string, cause?: unknown, errorData?: string) {
    super("BatchCompletionError", ErrorCode.BATCH_FAILED, message || "Batch completed as failed", cause, errorData);
  }
}

const operationErrorsByType: Record<string, OperationErrorClass> = {
  StepError, ChildContextError, CallbackError, CallbackExternalError, CallbackTimeoutError,
  CallbackSubmitterError, InvokeError, WaitForConditionError, PromiseCombinatorError, BatchCompletionError,
};

/** An AtMostOncePerRetry step found STARTED on replay: its last attempt was cut off. */
export class StepInterruptedError extends DurableError {
  constructor(stepId: string, name: string | undefined) {
    super(
      ErrorCode.STEP_INTERRUPTED,
      `Step ${describe(stepId, name)} was started but did not finish (the invocation was interrupted). ` +
        `It uses AtMostOncePerRetry semantics, so it is not re-run blindly; the retry strategy decides.`,
    );
  }
}

export class NonDeterministicExecutionError extends DurableError {
  constructor(message: string) {
    super(ErrorCode.NON_DETERMINISTIC, message, { fatal: "execution" });
  }
}

export class PayloadTooLargeError extends DurableError {
  constructor(what: string, bytes: number, limit: number) {
    super(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${what} is ${bytes} bytes once serialized; the limit is ${limit} bytes per operation. ` +
        `Return a smaller value (for example a key to data stored elsewhere), or produce it in ` +
        `runInChildContext, which keeps large results by replaying its children.`,
      { fatal: "execution" },
    );
  }
}

export class SerdesError extends DurableError {
  constructor(direction: "serialize" | "deserialize", what: string, cause: unknown) {
    super(
      ErrorCode.SERDES_FAILED,
      `Could not ${direction} the value of ${what}: ${messageOf(cause)}. ` +
        `Values must survive the configured serdes (JSON by default); pass a custom serdes in the config.`,
      { cause, fatal: "execution" },
    );
  }
}

export class CheckpointError extends DurableError {
  constructor(message: string, fatal: "execution" | "invocation", cause?: unknown) {
    super(ErrorCode.CHECKPOINT_FAILED, message, { cause, fatal });
  }
}

export function describe(stepId: string, name: string | undefined): string {
  return name === undefined ? `#${stepId}` : `"${name}" (#${stepId})`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The ErrorObject of an error; the stack is not sent, as in the official SDK. */
export function toErrorObject(error: unknown): ErrorObject {
  if (error instanceof DurableOperationError) {
    return { ErrorType: error.errorType, ErrorMessage: error.message, ErrorData: error.errorData ?? dataOfCause(error) };
  }
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error && "name" in error)) {
    const e = error as { name: unknown; message: unknown };
    return { ErrorType: String(e.name), ErrorMessage: String(e.message) };
  }
  return { ErrorMessage: "Unknown error" };
}

function dataOfCause(error: Error): string | undefined {
  let node: unknown = error.cause;
  for (let i = 0; i < 10 && node instanceof Error; i++) {
    if (node instanceof DurableOperationError && node.errorData !== undefined) return node.errorData;
    node = node.cause;
  }
  return undefined;
}

/**
 * Rebuilds a recorded error. Operation error types come back as their class; anything else
 * becomes a StepError whose `cause` carries the original name, message and stack.
 */
export function fromErrorObject(object: ErrorObject | undefined): DurableOperationError {
  const cause = new Error(object?.ErrorMessage);
  cause.name = object?.ErrorType || "Error";
  if (object?.StackTrace) cause.stack = object.StackTrace.join("\n");
  const Known = operationErrorsByType[object?.ErrorType ?? ""];
  return Known
    ? new Known(object?.ErrorMessage, cause, object?.ErrorData)
    : new StepError(object?.ErrorMessage || "Unknown error", cause, object?.ErrorData);
}
