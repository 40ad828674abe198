/**
 * The base of every error the runtime raises, and the one the protocol layer raises itself:
 * `DurableError` with a stable `code` and `fatal` ("execution" ends the execution FAILED,
 * "invocation" is thrown so Lambda retries the invocation), and `CheckpointError` for a failed
 * service call. The operation errors and the ErrorObject codec build on it in context/errors.ts.
 * This module imports nothing but the enum helper.
 */
import { prefixedEnum } from "./string-enum.ts";

export const ErrorCode = prefixedEnum(
  "UD_",
  "INVALID_EVENT", "INVALID_STATE", "INVALID_ARGUMENT", "INVALID_DURATION", "NOT_IN_DURABLE_CONTEXT", "INSIDE_STEP", "NOT_DEPLOYED", "NON_DETERMINISTIC", "PAYLOAD_TOO_LARGE", "SERDES_FAILED", "CHECKPOINT_FAILED", "CHECKPOINT_CLOSED", "CLIENT_UNAVAILABLE", "STEP_FAILED", "STEP_INTERRUPTED", "CHILD_CONTEXT_FAILED", "CALLBACK_FAILED", "INVOKE_FAILED", "WAIT_FOR_CONDITION_FAILED", "COMBINATOR_FAILED", "BATCH_FAILED",
  "CONTEXT_USAGE",
);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type Fatality = "execution" | "invocation" | undefined;

const BRAND = Symbol.for("use-durable.error");

export class DurableError extends Error {
  readonly code: ErrorCode;
  /** Set on errors that end the invocation instead of reaching user code. */
  readonly fatal: Fatality;
  /** Where the operation is in the user's source (`src/order.ts:12:7`): compiled code only (context/locate.ts). */
  declare location?: string;

  /**
   * `name` is spelled out, never taken from the class: a minifier renames classes, and the name is
   * what reaches the wire as ErrorType. A user's own subclass without one keeps its class name.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fatal?: Fatality; name?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = options?.name ?? (new.target === DurableError ? "DurableError" : new.target.name);
    this.code = code;
    this.fatal = options?.fatal;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Works across realms and duplicated bundles, where `instanceof` does not. */
  static is(value: unknown): value is DurableError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export class CheckpointError extends DurableError {
  constructor(message: string, fatal: "execution" | "invocation", cause?: unknown) {
    super(ErrorCode.CHECKPOINT_FAILED, message, { cause, fatal, name: "CheckpointError" });
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** UTF-8 bytes of a value's JSON: what the limits on the wire count. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "");
