/**
 * The seam between the scheduler and the places handlers run (in process, worker threads): run
 * one durable invocation, or one call of a plain function for a chained invoke, and say how it
 * ended. A failure (threw, exited, timed out) is data here, never a rejection: the scheduler
 * records it and the service decides on the retry.
 */
import type { ErrorObject } from "../../runtime/protocol/wire.ts";
import type { InvocationStart } from "../service/invocations.ts";
import type { RegisteredFunction } from "./functions.ts";

export type InvocationResult = { output: unknown } | { failure: ErrorObject };
export type PlainResult = { result?: string; error?: ErrorObject };

export interface Invoker {
  invoke(fn: RegisteredFunction, start: InvocationStart): Promise<InvocationResult>;
  callPlain(fn: RegisteredFunction, payload: string | null, requestId: string): Promise<PlainResult>;
  /** Drops idle resources of functions replaced or gone. */
  retire?(fn: RegisteredFunction): void;
  close(): Promise<void>;
}

/** An error as Lambda reports a thrown one: its name, message and stack lines. */
export function errorObjectOf(error: unknown): ErrorObject {
  if (error instanceof Error) {
    return { ErrorType: error.name, ErrorMessage: error.message, ...(error.stack ? { StackTrace: error.stack.split("\n") } : {}) };
  }
  return { ErrorType: "Error", ErrorMessage: typeof error === "string" ? error : safeJson(error) };
}

export function timedOut(timeoutMs: number): ErrorObject {
  return { ErrorType: "Sandbox.Timedout", ErrorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
