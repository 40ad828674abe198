/**
 * A GetDurableExecutionHistory event list (as @aws-sdk/client-lambda returns it: Date timestamps,
 * payloads under `<EventType>Details.Result|Error.Payload`) folded into every operation for display:
 * children of finished contexts kept (unlike check's fold, which replays), start and end times,
 * attempts, the last result or error. Pure.
 */
import type { TimelineOperation } from "./render.ts";

export interface DisplayEvent {
  EventType?: string;
  SubType?: string;
  Id?: string;
  Name?: string;
  ParentId?: string;
  EventTimestamp?: Date | string | number;
  [details: string]: unknown;
}

const TYPE: Record<string, string> = { Execution: "EXECUTION", Context: "CONTEXT", Step: "STEP", Wait: "WAIT", Callback: "CALLBACK", ChainedInvoke: "CHAINED_INVOKE" };
const STATUS: Record<string, string> = { Started: "STARTED", Succeeded: "SUCCEEDED", Failed: "FAILED", TimedOut: "TIMED_OUT", Stopped: "STOPPED", Cancelled: "CANCELLED" };

function ms(t: unknown): number | undefined {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  if (typeof t === "string") return Date.parse(t);
  return undefined;
}

export function operationsFromHistory(events: readonly DisplayEvent[]): TimelineOperation[] {
  const ops = new Map<string, TimelineOperation>();
  for (const e of events) {
    const match = /^(Execution|Context|Step|Wait|Callback|ChainedInvoke)(Started|Succeeded|Failed|TimedOut|Stopped|Cancelled)$/.exec(e.EventType ?? "");
    if (!match || e.Id === undefined) continue;
    const at = ms(e.EventTimestamp);
    const op: TimelineOperation = ops.get(e.Id) ?? { Id: e.Id, Type: TYPE[match[1]!]!, Status: "STARTED", ...(at !== undefined ? { StartTimestamp: at } : {}) };
    if (e.ParentId !== undefined) op.ParentId = e.ParentId;
    if (e.Name !== undefined) op.Name = e.Name;
    if (e.SubType !== undefined) op.SubType = e.SubType;
    op.Status = STATUS[match[2]!]!;
    const details = (e[`${e.EventType}Details`] ?? {}) as {
      Result?: { Payload?: string };
      Error?: { Payload?: { ErrorType?: string; ErrorMessage?: string } };
      RetryDetails?: { CurrentAttempt?: number; NextAttemptDelaySeconds?: number };
      ScheduledEndTimestamp?: unknown;
      CallbackId?: string;
    };
    const result = details.Result?.Payload;
    const error = details.Error?.Payload;
    if (op.Status !== "STARTED" && at !== undefined) op.EndTimestamp = at;
    if (op.Type === "STEP" && op.Status !== "STARTED") {
      const retry = details.RetryDetails;
      const attempt = retry?.CurrentAttempt ?? (op.StepDetails?.Attempt ?? 0) + 1;
      const retrying = retry?.NextAttemptDelaySeconds !== undefined;
      if (retrying) {
        op.Status = "PENDING";
        delete op.EndTimestamp;
      }
      op.StepDetails = {
        Attempt: attempt,
        ...(retrying && at !== undefined ? { NextAttemptTimestamp: at + retry!.NextAttemptDelaySeconds! * 1000 } : {}),
        ...(result !== undefined ? { Result: result } : {}),
        ...(error !== undefined ? { Error: error } : {}),
      };
    } else if (op.Type === "WAIT" && details.ScheduledEndTimestamp !== undefined) {
      op.WaitDetails = { ScheduledEndTimestamp: ms(details.ScheduledEndTimestamp)! };
    } else if (op.Type === "CALLBACK") {
      op.CallbackDetails = { ...op.CallbackDetails, ...(details.CallbackId ? { CallbackId: details.CallbackId } : {}), ...(result !== undefined ? { Result: result } : {}), ...(error !== undefined ? { Error: error } : {}) };
    } else if (op.Type === "CONTEXT" && op.Status !== "STARTED") {
      op.ContextDetails = { ...(result !== undefined ? { Result: result } : {}), ...(error !== undefined ? { Error: error } : {}) };
    } else if (op.Type === "CHAINED_INVOKE" && op.Status !== "STARTED") {
      op.ChainedInvokeDetails = { ...(result !== undefined ? { Result: result } : {}), ...(error !== undefined ? { Error: error } : {}) };
    }
    ops.set(e.Id, op);
  }
  return [...ops.values()];
}
