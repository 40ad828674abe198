/**
 * Every error the runtime raises: one base class, `DurableError`, with a stable `code` and a
 * stable `name` spelled out per class (minifiers rename classes; the name is the wire ErrorType),
 * plus the operation errors named with the official SDK's `ErrorType` strings (so histories and
 * rebuilt errors are interchangeable). `fatal` says what an error does to the invocation:
 * "execution" ends it FAILED, "invocation" is thrown so Lambda retries the invocation.
 * The base class, its codes and CheckpointError live in protocol/durable-error.ts (the protocol
 * layer raises them too) and are re-exported here.
 */
import { CheckpointError, DurableError, ErrorCode, jsonBytes, messageOf } from "../protocol/durable-error.ts";
import type { Fatality } from "../protocol/durable-error.ts";
import type { ErrorObject } from "../protocol/wire.ts";

export { CheckpointError, DurableError, ErrorCode, jsonBytes, messageOf };
export type { Fatality };

/** What sets one operation error class apart: its wire ErrorType, code and default message. */
interface OperationErrorKind {
  errorType: string;
  code: ErrorCode;
  fallback: string;
}

const kinds = new Map<unknown, OperationErrorKind>();
const operationErrorsByType: Record<string, OperationErrorClass> = {};

/**
 * Base of the errors an operation surfaces to user code; `errorType` is the wire ErrorType. Its
 * subclasses are made by `operationError`, which records their kind, so the constructor is one.
 */
export class DurableOperationError extends DurableError {
  readonly errorType: string;
  readonly errorData: string | undefined;
  /** The recorded original error (its name, message, stack), as in the official SDK. */
  declare cause?: Error;
  declare stackTrace?: string[];

  constructor(message?: string, cause?: unknown, errorData?: string) {
    // A user's subclass (class MyError extends StepError) takes the kind of the class it extends.
    let made: unknown = new.target;
    while (made && !kinds.has(made)) made = Object.getPrototypeOf(made);
    const kind = kinds.get(made) ?? { errorType: "DurableOperationError", code: ErrorCode.STEP_FAILED, fallback: "Operation failed" };
    super(kind.code, message || kind.fallback, { cause, name: kind.errorType });
    this.errorType = kind.errorType;
    this.errorData = errorData;
  }

  /** Rebuilds a recorded error (for replay); see `fromErrorObject`. */
  static fromErrorObject(errorObject: ErrorObject): DurableOperationError {
    return fromErrorObject(errorObject);
  }

  toErrorObject(): ErrorObject {
    return toErrorObject(this);
  }
}

type OperationErrorClass = new (message?: string, cause?: unknown, errorData?: string) => DurableOperationError;

function operationError(errorType: string, code: ErrorCode, fallback: string, base: typeof DurableOperationError): typeof DurableOperationError {
  const made = class extends base {};
  kinds.set(made, { errorType, code, fallback });
  operationErrorsByType[errorType] = made;
  return made;
}

export const StepError = operationError("StepError", ErrorCode.STEP_FAILED, "Step failed", DurableOperationError);
export type StepError = DurableOperationError;
export const ChildContextError = operationError("ChildContextError", ErrorCode.CHILD_CONTEXT_FAILED, "Child context failed", DurableOperationError);
export type ChildContextError = DurableOperationError;
export const CallbackError = operationError("CallbackError", ErrorCode.CALLBACK_FAILED, "Callback failed", DurableOperationError);
export type CallbackError = DurableOperationError;
/** The external system reported failure (SendDurableExecutionCallbackFailure). */
export const CallbackExternalError = operationError("CallbackExternalError", ErrorCode.CALLBACK_FAILED, "Callback failed", CallbackError);
export type CallbackExternalError = CallbackError;
export const CallbackTimeoutError = operationError("CallbackTimeoutError", ErrorCode.CALLBACK_FAILED, "Callback timed out", CallbackError);
export type CallbackTimeoutError = CallbackError;
export const CallbackSubmitterError = operationError("CallbackSubmitterError", ErrorCode.CALLBACK_FAILED, "Callback submitter failed", CallbackError);
export type CallbackSubmitterError = CallbackError;
export const InvokeError = operationError("InvokeError", ErrorCode.INVOKE_FAILED, "Invoke failed", DurableOperationError);
export type InvokeError = DurableOperationError;
export const WaitForConditionError = operationError("WaitForConditionError", ErrorCode.WAIT_FOR_CONDITION_FAILED, "Wait for condition failed", DurableOperationError);
export type WaitForConditionError = DurableOperationError;
export const PromiseCombinatorError = operationError("PromiseCombinatorError", ErrorCode.COMBINATOR_FAILED, "Promise combinator failed", DurableOperationError);
export type PromiseCombinatorError = DurableOperationError;
const BatchFailure = operationError("BatchCompletionError", ErrorCode.BATCH_FAILED, "Batch completed as failed", DurableOperationError);
/** Thrown by BatchResult.throwIfError when a custom shouldComplete decided FAILED. */
export class BatchCompletionError extends BatchFailure {
  readonly completionReason: string;
  constructor(completionReason: string, message?: string, cause?: Error, errorData?: string) {
    super(message || `Batch completed as failed by shouldComplete (${completionReason})`, cause, errorData);
    this.completionReason = completionReason;
  }
}

/** An AtMostOncePerRetry step found STARTED on replay: its last attempt was cut off. */
export class StepInterruptedError extends DurableError {
  constructor(stepId: string, name?: string) {
    super(
      ErrorCode.STEP_INTERRUPTED,
      `Step ${describe(stepId, name)} was started but did not finish (the invocation was interrupted). ` +
        `It uses AtMostOncePerRetry semantics, so it is not re-run blindly; the retry strategy decides.`,
      { name: "StepInterruptedError" },
    );
  }
}

export class NonDeterministicExecutionError extends DurableError {
  /** `what`: where the code and the record part ("... at operation \"charge\" (#2): ..."); the fix is added. */
  constructor(what: string) {
    super(
      ErrorCode.NON_DETERMINISTIC,
      `Non-deterministic execution detected ${what}. The code must make the same durable calls in the same order on ` +
        `every replay; move non-deterministic logic (time, randomness, I/O) into steps, and deploy changed workflows ` +
        `under a new version instead of replacing running ones.`,
      { fatal: "execution", name: "NonDeterministicExecutionError" },
    );
  }
}

export class PayloadTooLargeError extends DurableError {
  constructor(what: string, bytes: number, limit: number) {
    super(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${what} is ${bytes} bytes once serialized; the limit is ${limit} bytes per operation. ` +
        `Return a smaller value (for example a key to data stored elsewhere), or produce it in ` +
        `runInChildContext, which keeps large results by replaying its children.`,
      { fatal: "execution", name: "PayloadTooLargeError" },
    );
  }
}

export class SerdesError extends DurableError {
  constructor(direction: "serialize" | "deserialize", what: string, cause: unknown) {
    super(
      ErrorCode.SERDES_FAILED,
      `Could not ${direction} the value of ${what}: ${messageOf(cause)}` +
        // The serdes of compiled code says itself what it cannot carry and how to fix it.
        ((cause as Error | undefined)?.name === "UncarriableValueError" ? "" : `. Values must survive the configured serdes (JSON by default); pass a custom serdes in the config.`),
      { cause, fatal: "execution", name: "SerdesError" },
    );
  }
}

export function describe(stepId: string, name: string | undefined): string {
  return name === undefined ? `#${stepId}` : `"${name}" (#${stepId})`;
}

// Errors of compiled code carry their own encoder (context/rich-errors.ts marks them): the ctx API's
// errors keep the official shape, and the rich encoding stays out of bundles that never use it.
const richErrors = new WeakMap<object, (error: any) => ErrorObject>();

/** Makes toErrorObject write `error` with `encode` (the class, fields, cause and stack of compiled code). */
export function encodeRichly(error: object, encode: (error: any) => ErrorObject): void {
  richErrors.set(error, encode);
}

/**
 * The ErrorObject of an error, fitted to the error size limit; the stack is not sent, as in the
 * official SDK (compiled code's errors send it, see encodeRichly). Every error that is
 * checkpointed or returned goes through here, and the error the code sees is rebuilt from it, so
 * a first run and its replays see the same (fitted) text.
 */
export function toErrorObject(error: unknown): ErrorObject {
  const rich = typeof error === "object" && error !== null ? richErrors.get(error) : undefined;
  if (rich) return fitError(rich(error));
  if (error instanceof DurableOperationError) {
    return fitError({ ErrorType: error.errorType, ErrorMessage: error.message, ErrorData: error.errorData ?? dataOfCause(error) });
  }
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error && "name" in error)) {
    const e = error as { name: unknown; message: unknown; location?: string };
    // Where the operation is in compiled code's source (context/locate.ts): histories show it.
    return fitError({ ErrorType: String(e.name), ErrorMessage: String(e.message), ...(DurableError.is(e) && e.location && { ErrorData: JSON.stringify({ location: e.location }) }) });
  }
  // The official SDK sends "Unknown error" here, which drops what was thrown (`throw "declined"`).
  return fitError({ ErrorMessage: `A value that is not an Error was thrown: ${showValue(error)}. Throw an Error to give it a name.` });
}

/**
 * JSON bytes an ErrorObject may take. AWS's emulator refuses an update whose JSON is over 32 KiB
 * when it carries an Error (the service documents 1 MB for the error fields); 1 KiB is left for
 * the update's other fields (ids, a name of at most 256 characters, type, action, options). The
 * official SDK sends the error whole, so an oversized one fails the checkpoint and the
 * invocation is retried forever; here the text is cut instead, with a mark, and the error is
 * recorded.
 */
export const ERROR_OBJECT_LIMIT = 31 * 1024;

/**
 * The message is what a person reads, so it gets the room the data leaves, and the data at most
 * half. 256 bytes stay spare: the error rebuilt from this one (a StepError around an Error, ...)
 * has another ErrorType and must still fit without being cut twice.
 */
function fitError(object: ErrorObject): ErrorObject {
  if (jsonBytes(object) <= ERROR_OBJECT_LIMIT) return object;
  const fitted: ErrorObject = { ...object, ErrorType: object.ErrorType?.slice(0, 256), ErrorMessage: "" };
  if (object.ErrorData !== undefined) fitted.ErrorData = cut(object.ErrorData, ERROR_OBJECT_LIMIT / 2);
  fitted.ErrorMessage = cut(object.ErrorMessage ?? "", ERROR_OBJECT_LIMIT - 256 - jsonBytes(fitted));
  return fitted;
}

/** `text` if its JSON takes at most `max` bytes, else its longest head that, marked, does. */
function cut(text: string, max: number): string {
  const fits = (s: string) => jsonBytes(s) <= max;
  if (fits(text)) return text;
  const mark = `... [cut: ${text.length} characters were over the error size limit]`;
  let low = 0;
  for (let high = text.length; low < high; ) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(text.slice(0, mid) + mark)) low = mid;
    else high = mid - 1;
  }
  // Never end on half of a surrogate pair.
  return text.slice(0, /[\uD800-\uDBFF]/.test(text[low - 1] ?? "") ? low - 1 : low) + mark;
}

/** A value as error messages show it: its JSON where it has one, else its string form. */
export function showValue(value: unknown): string {
  // JSON would show NaN and Infinity as null.
  if (typeof value === "number" && !Number.isFinite(value)) return `${value}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function dataOfCause(error: Error): string | undefined {
  let node: unknown = error.cause;
  for (let i = 0; i < 10 && node instanceof Error; i++) {
    if (node instanceof DurableOperationError && node.errorData !== undefined) return node.errorData;
    node = node.cause;
  }
  return undefined;
}

/** The recorded error itself (name, message, stack), as the cause of the error user code sees. */
export function causeOf(object: ErrorObject | undefined): Error {
  const cause = new Error(object?.ErrorMessage);
  cause.name = object?.ErrorType || "Error";
  if (object?.StackTrace) cause.stack = object.StackTrace.join("\n");
  return cause;
}

/**
 * Rebuilds a recorded error. Operation error types come back as their class; anything else
 * becomes a StepError whose `cause` carries the original name, message and stack.
 */
export function fromErrorObject(object: ErrorObject | undefined): DurableOperationError {
  const cause = causeOf(object);
  const Known = operationErrorsByType[object?.ErrorType ?? ""];
  return Known
    ? new Known(object?.ErrorMessage, cause, object?.ErrorData)
    : new StepError(object?.ErrorMessage || "Unknown error", cause, object?.ErrorData);
}
