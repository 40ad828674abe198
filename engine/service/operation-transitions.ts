/**
 * One checkpointed update applied to one operation: the operation after it, the history event it
 * writes, the timers it sets or drops, and what else it starts (a callback id to register, a
 * chained target to start, a child execution to stop). Pure: validation already passed
 * (validate-updates.ts), and the caller writes the result in the request's transaction.
 */
import type { OperationUpdate } from "../../runtime/protocol/wire.ts";
import type { StoredOperation, TimerKind } from "../store/store.ts";
import type { EventDraft } from "./history-events.ts";
import { updateEvent } from "./history-events.ts";

export interface Transition {
  operation: StoredOperation;
  event: EventDraft | undefined;
  setTimers: Array<{ kind: TimerKind; dueMs: number }>;
  clearTimers: TimerKind[];
  /** A CALLBACK START: register this id. */
  callbackId?: string;
  /** A CHAINED_INVOKE START: start this target. */
  chained?: { functionName: string; payload: string | undefined };
  /** A CHAINED_INVOKE CANCEL: stop the child execution. */
  stopChained?: boolean;
}

export function applyUpdate(before: StoredOperation | undefined, update: OperationUpdate, now: number, newCallbackId: () => string): Transition {
  const operation: StoredOperation = before
    ? structuredClone(before)
    : {
        Id: update.Id,
        Type: update.Type,
        Status: "STARTED",
        StartTimestamp: now,
        ...(update.ParentId != null ? { ParentId: update.ParentId } : {}),
        ...(update.Name !== undefined ? { Name: update.Name } : {}),
        ...(update.SubType !== undefined ? { SubType: update.SubType } : {}),
      };
  const transition: Transition = { operation, event: undefined, setTimers: [], clearTimers: [] };
  const close = (status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "STOPPED") => {
    operation.Status = status;
    operation.EndTimestamp = now;
  };
  switch (update.Type) {
    case "STEP": {
      const details = { ...operation.StepDetails };
      if (update.Action === "START") {
        operation.Status = "STARTED";
      } else {
        details.Attempt = (details.Attempt ?? 0) + 1;
        setOrDrop(details, "Result", update.Payload);
        setOrDrop(details, "Error", update.Error);
        if (update.Action === "RETRY") {
          const delay = Math.max(0, update.StepOptions?.NextAttemptDelaySeconds ?? 0);
          operation.Status = "PENDING";
          details.NextAttemptTimestamp = now + delay * 1000;
          transition.setTimers.push({ kind: "retry", dueMs: now + delay * 1000 });
        } else {
          delete details.NextAttemptTimestamp;
          close(update.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED");
        }
      }
      operation.StepDetails = details;
      break;
    }
    case "CONTEXT": {
      const replayChildren = update.ContextOptions?.ReplayChildren ?? operation.ContextDetails?.ReplayChildren;
      const details: NonNullable<StoredOperation["ContextDetails"]> = { ...operation.ContextDetails };
      if (replayChildren !== undefined) details.ReplayChildren = replayChildren;
      if (update.Action !== "START") {
        setOrDrop(details, "Result", update.Payload);
        setOrDrop(details, "Error", update.Error);
        close(update.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED");
      }
      operation.ContextDetails = details;
      break;
    }
    case "WAIT":
      if (update.Action === "START") {
        const due = now + Math.max(0, update.WaitOptions?.WaitSeconds ?? 0) * 1000;
        operation.WaitDetails = { ScheduledEndTimestamp: due };
        transition.setTimers.push({ kind: "wait", dueMs: due });
      } else {
        close("CANCELLED");
        transition.clearTimers.push("wait");
      }
      break;
    case "CALLBACK":
      if (update.Action === "START") {
        const callbackId = newCallbackId();
        operation.CallbackDetails = { CallbackId: callbackId };
        transition.callbackId = callbackId;
        const { TimeoutSeconds: timeout, HeartbeatTimeoutSeconds: heartbeat } = update.CallbackOptions ?? {};
        if (timeout && timeout > 0) transition.setTimers.push({ kind: "callback-timeout", dueMs: now + timeout * 1000 });
        if (heartbeat && heartbeat > 0) transition.setTimers.push({ kind: "callback-heartbeat", dueMs: now + heartbeat * 1000 });
      } else {
        close("CANCELLED");
        transition.clearTimers.push("callback-timeout", "callback-heartbeat");
      }
      break;
    case "CHAINED_INVOKE":
      if (update.Action === "START") {
        transition.chained = { functionName: update.ChainedInvokeOptions!.FunctionName, payload: update.Payload };
      } else {
        close("STOPPED");
        transition.stopChained = true;
      }
      break;
  }
  transition.event = updateEvent(update, operation, now);
  return transition;
}

function setOrDrop<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined || value === null) delete target[key];
  else target[key] = value;
}
