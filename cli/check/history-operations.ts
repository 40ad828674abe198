/**
 * A recorded history (GetDurableExecutionHistory events) folded into the operations the service
 * would hand a new invocation: one Operation per Id, the latest event deciding its status, with its
 * result or error. Children of a finished child context are left out, as the service prunes them (the
 * runtime replays the context's result instead of its body). Pure.
 */
import { CliError } from "../cli-error.ts";
import type { HistoryEvent } from "./history-source.ts";

export interface RecordedOperation {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: string;
  SubType?: string;
  Status: string;
  StartTimestamp?: string | number;
  ExecutionDetails?: { InputPayload?: string };
  StepDetails?: { Attempt?: number; Result?: string; Error?: unknown };
  ContextDetails?: { Result?: string; Error?: unknown };
  WaitDetails?: { ScheduledEndTimestamp?: unknown };
  CallbackDetails?: { CallbackId?: string; Result?: string; Error?: unknown };
  ChainedInvokeDetails?: { Result?: string; Error?: unknown };
}

// EventType -> [operation Type, the status it leaves the operation in].
const TRANSITIONS: Record<string, [string, string]> = {
  ExecutionStarted: ["EXECUTION", "STARTED"],
  ExecutionSucceeded: ["EXECUTION", "SUCCEEDED"],
  ExecutionFailed: ["EXECUTION", "FAILED"],
  ExecutionTimedOut: ["EXECUTION", "TIMED_OUT"],
  ExecutionStopped: ["EXECUTION", "STOPPED"],
  ContextStarted: ["CONTEXT", "STARTED"],
  ContextSucceeded: ["CONTEXT", "SUCCEEDED"],
  ContextFailed: ["CONTEXT", "FAILED"],
  StepStarted: ["STEP", "STARTED"],
  StepSucceeded: ["STEP", "SUCCEEDED"],
  StepFailed: ["STEP", "FAILED"],
  WaitStarted: ["WAIT", "STARTED"],
  WaitSucceeded: ["WAIT", "SUCCEEDED"],
  WaitCancelled: ["WAIT", "CANCELLED"],
  CallbackStarted: ["CALLBACK", "STARTED"],
  CallbackSucceeded: ["CALLBACK", "SUCCEEDED"],
  CallbackFailed: ["CALLBACK", "FAILED"],
  CallbackTimedOut: ["CALLBACK", "TIMED_OUT"],
  ChainedInvokeStarted: ["CHAINED_INVOKE", "STARTED"],
  ChainedInvokeSucceeded: ["CHAINED_INVOKE", "SUCCEEDED"],
  ChainedInvokeFailed: ["CHAINED_INVOKE", "FAILED"],
  ChainedInvokeTimedOut: ["CHAINED_INVOKE", "TIMED_OUT"],
  ChainedInvokeStopped: ["CHAINED_INVOKE", "STOPPED"],
};

interface Payload {
  Payload?: unknown;
  Truncated?: boolean;
}

export interface FoldedHistory {
  operations: RecordedOperation[];
  /** The execution's own status: STARTED while it is in flight. */
  status: string;
}

export function foldHistory(events: readonly HistoryEvent[], label: string): FoldedHistory {
  const ops = new Map<string, RecordedOperation>();
  let status = "STARTED";
  const payload = (e: HistoryEvent, key: string, field: "Result" | "Error" | "Input"): Payload | undefined => {
    const p = (e[key] as Record<string, Payload | undefined> | undefined)?.[field];
    if (p?.Truncated) throw new CliError("UD_CLI_BAD_HISTORY", `--histories: ${label}: event ${e.EventId ?? "?"} (${e.EventType} ${e.Name ?? ""}) has a truncated payload. Export with --include-execution-data; a payload over the export limit cannot be replayed.`);
    return p;
  };
  for (const e of events) {
    const t = e.EventType === undefined ? undefined : TRANSITIONS[e.EventType];
    if (!t || e.Id === undefined) continue;
    const [type, next] = t;
    const op: RecordedOperation = ops.get(e.Id) ?? { Id: e.Id, Type: type, Status: next };
    if (e.ParentId !== undefined) op.ParentId = e.ParentId;
    if (e.Name !== undefined) op.Name = e.Name;
    if (e.SubType !== undefined) op.SubType = e.SubType;
    op.Status = next;
    const key = `${e.EventType}Details`;
    switch (e.EventType) {
      case "ExecutionStarted":
        op.StartTimestamp = e.EventTimestamp;
        op.ExecutionDetails = { InputPayload: payload(e, key, "Input")?.Payload as string | undefined };
        break;
      case "ExecutionSucceeded": case "ExecutionFailed": case "ExecutionTimedOut": case "ExecutionStopped":
        status = next;
        break;
      case "StepSucceeded": case "StepFailed": {
        const retry = (e[key] as { RetryDetails?: { CurrentAttempt?: number; NextAttemptDelaySeconds?: number } } | undefined)?.RetryDetails;
        // A failure with a retry scheduled leaves the step PENDING, not FAILED.
        if (e.EventType === "StepFailed" && retry?.NextAttemptDelaySeconds !== undefined) op.Status = "PENDING";
        op.StepDetails = { Attempt: retry?.CurrentAttempt ?? (op.StepDetails?.Attempt ?? 0) + 1, ...(e.EventType === "StepSucceeded" ? { Result: payload(e, key, "Result")?.Payload as string } : { Error: payload(e, key, "Error")?.Payload }) };
        break;
      }
      case "ContextSucceeded": op.ContextDetails = { Result: payload(e, key, "Result")?.Payload as string }; break;
      case "ContextFailed": op.ContextDetails = { Error: payload(e, key, "Error")?.Payload }; break;
      case "WaitStarted": op.WaitDetails = { ScheduledEndTimestamp: (e[key] as { ScheduledEndTimestamp?: unknown } | undefined)?.ScheduledEndTimestamp }; break;
      case "CallbackStarted": op.CallbackDetails = { CallbackId: (e[key] as { CallbackId?: string } | undefined)?.CallbackId ?? "" }; break;
      case "CallbackSucceeded": op.CallbackDetails = { ...op.CallbackDetails, Result: payload(e, key, "Result")?.Payload as string }; break;
      case "CallbackFailed": case "CallbackTimedOut": op.CallbackDetails = { ...op.CallbackDetails, Error: payload(e, key, "Error")?.Payload }; break;
      case "ChainedInvokeSucceeded": op.ChainedInvokeDetails = { Result: payload(e, key, "Result")?.Payload as string }; break;
      case "ChainedInvokeFailed": case "ChainedInvokeTimedOut": case "ChainedInvokeStopped": op.ChainedInvokeDetails = { Error: payload(e, key, "Error")?.Payload }; break;
    }
    ops.set(e.Id, op);
  }
  if (![...ops.values()].some((o) => o.Type === "EXECUTION")) throw new CliError("UD_CLI_BAD_HISTORY", `--histories: ${label} has no ExecutionStarted event: export the whole history (every page, from the start).`);
  const finishedContext = (id: string | undefined): boolean => {
    for (let p = id; p !== undefined; p = ops.get(p)?.ParentId) {
      const o = ops.get(p);
      if (o?.Type === "CONTEXT" && (o.Status === "SUCCEEDED" || o.Status === "FAILED")) return true;
    }
    return false;
  };
  const operations = [...ops.values()].filter((o) => !finishedContext(o.ParentId));
  return { operations, status };
}
