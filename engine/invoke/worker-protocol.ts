/**
 * The messages between the engine and a worker thread that runs one function's bundle: an
 * invocation (durable or plain) and its answer, and, with the MessagePort transport, the worker's
 * durable client calls and their replies. Types only; both sides import them. Calls and replies
 * carry JSON text, not object graphs: a string crosses threads as one copy, where a structured
 * clone walks every member on both sides, and the engine's thread is the one every step waits on.
 */
import type { ErrorObject } from "../../runtime/protocol/wire.ts";

export interface WorkerData {
  bundle: string;
  exportName: string;
  functionName: string;
  region: string;
}

export type ToWorker =
  | { type: "invoke"; id: number; kind: "durable"; event: unknown; transport: "port" | "http"; requestId: string; timeoutMs: number }
  | { type: "invoke"; id: number; kind: "plain"; payload: string | null; requestId: string; timeoutMs: number }
  /** `result`: the service's answer as JSON text, timestamps in epoch ms (the worker makes them Dates). */
  | { type: "reply"; call: number; result?: string; error?: { name: string; message: string; status?: number } };

export type FromWorker =
  | { type: "ready" }
  | { type: "done"; id: number; output: unknown }
  | { type: "failed"; id: number; error: ErrorObject }
  /** `request`: the client's request as JSON text, as it would travel over HTTP. */
  | { type: "call"; call: number; method: "checkpoint" | "getExecutionState"; request: string };
