/**
 * Errors of compiled code on the wire (runtime/SPEC.md "Errors in compiled code"): ErrorType is
 * the error's name, ErrorMessage its message, StackTrace its frames, and ErrorData an envelope of
 * the rich serdes holding its class key, own enumerable fields, cause chain and AggregateError
 * `errors`. Rebuilt, it is an error of the original class (when registered or built in) with the
 * same name, message, fields, cause and a stack whose top frames are the failed code's own.
 * The ctx API's errors never pass here: only errors marked by compiled code's entry points are
 * written this way (errors.ts `encodeRichly`).
 */
import type { ErrorObject } from "../protocol/wire.ts";
import { DurableError, DurableOperationError, ERROR_OBJECT_LIMIT, encodeRichly, jsonBytes } from "./errors.ts";
import { ENVELOPE, decodeTree, encodeTree } from "./rich-serdes.ts";

type Tree = ReturnType<typeof encodeTree>;

/** Marks an error thrown by compiled code (not the runtime's own) so it is recorded richly. */
export function markCompiledError(error: unknown): void {
  if (error instanceof Error && !DurableError.is(error)) encodeRichly(error, richErrorObject);
}

export function richErrorObject(error: Error): ErrorObject {
  const { name, message, stack, ...details } = encodeTree(error) as Record<string, Tree>;
  return {
    ErrorType: String(name),
    ErrorMessage: String(message),
    ErrorData: fitDetails(details),
    StackTrace: fitFrames(framesOf(typeof stack === "string" ? stack : "", String(name), String(message))),
  };
}

/** Whether an ErrorObject was written by richErrorObject. */
export function isRichErrorObject(object: ErrorObject | undefined): boolean {
  return object?.ErrorData?.startsWith(ENVELOPE) === true;
}

/** The error a rich ErrorObject describes (anything else: an Error with its name and message). */
export function errorFromObject(object: ErrorObject): Error {
  const type = object.ErrorType || "Error";
  const message = object.ErrorMessage ?? "";
  let details: Record<string, Tree> = { $ud: "Error" };
  if (isRichErrorObject(object)) {
    try {
      details = (JSON.parse(object.ErrorData!) as { v: Record<string, Tree> }).v;
    } catch {
      // Cut by the error size limit: name, message and stack still come through.
    }
  }
  const stack = [message ? `${type}: ${message}` : type, ...(object.StackTrace ?? []).filter((line) => line !== "")].join("\n");
  return decodeTree({ ...details, name: type, message, stack }, []) as Error;
}

/**
 * The error compiled code should see for a failed operation: the runtime's wrappers (a
 * ChildContextError around a branch or child, the StepError that rebuilds an error of unknown
 * type) are taken off and a rich recorded error is rebuilt as the original. The result is marked,
 * so it is recorded richly again if it fails an enclosing child or the execution.
 */
export function originalError(error: unknown): unknown {
  let node = error;
  for (let i = 0; i < 16 && node instanceof DurableOperationError && node.errorType === "ChildContextError" && node.cause instanceof Error; i++) node = node.cause;
  if (node instanceof DurableOperationError && node.errorType === "StepError" && node.errorData?.startsWith(ENVELOPE) && node.cause instanceof Error) {
    const cause = node.cause;
    node = errorFromObject({ ErrorType: cause.name, ErrorMessage: cause.message, ErrorData: node.errorData, StackTrace: (cause.stack ?? "").split("\n") });
  }
  markCompiledError(node);
  return node;
}

/** The frames of a stack: its lines after the `Name: message` header. */
function framesOf(stack: string, name: string, message: string): string[] {
  const header = message ? `${name}: ${message}` : name;
  const body = stack.startsWith(header) ? stack.slice(header.length) : stack;
  const lines = body.split("\n").filter((line) => line !== "");
  const first = lines.findIndex((line) => /^\s+at /.test(line));
  return first > 0 && !stack.startsWith(header) ? lines.slice(first) : lines;
}

/** The top frames that fit in a quarter of the error size limit. */
function fitFrames(frames: string[]): string[] {
  let kept = frames.slice(0, 100);
  while (kept.length > 0 && jsonBytes(kept) > ERROR_OBJECT_LIMIT / 4) kept = kept.slice(0, -1);
  return kept;
}

/**
 * The envelope of the class, fields, cause and `errors`, in at most a quarter of the limit: what
 * does not fit is left out (the largest fields first, then `errors`, then the cause), never cut in
 * half, so it always parses.
 */
function fitDetails(details: Record<string, Tree>): string {
  const write = (d: Record<string, Tree>) => `${ENVELOPE}${JSON.stringify(d)}}`;
  const fits = (data: string) => jsonBytes(data) <= ERROR_OBJECT_LIMIT / 4;
  let data = write(details);
  const fields = details["fields"] as Record<string, Tree> | undefined;
  if (!fits(data) && fields) {
    const bySize = Object.keys(fields).sort((a, b) => jsonBytes(fields[b]) - jsonBytes(fields[a]));
    for (const field of bySize) {
      fields[field] = { $ud: "omitted" };
      if (fits((data = write(details)))) return data;
    }
  }
  for (const drop of ["fields", "errors", "cause"]) {
    if (fits(data)) break;
    const { [drop]: _dropped, ...rest } = details;
    details = rest;
    data = write(details);
  }
  return data;
}
