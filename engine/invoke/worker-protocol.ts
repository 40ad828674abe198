/**
 * The messages between the engine and a worker thread that runs one function's bundle: an
 * invocation (durable or plain) and its answer, and, with the MessagePort transport, the worker's
 * durable client calls and their replies. Types only; both sides import them.
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
  | { type: "reply"; call: number; result?: unknown; error?: { name: string; message: string; status?: number } };

export type FromWorker =
  | { type: "ready" }
  | { type: "done"; id: number; output: unknown }
  | { type: "failed"; id: number; error: ErrorObject }
  | { type: "call"; call: number; method: "checkpoint" | "getExecutionState"; request: unknown };
