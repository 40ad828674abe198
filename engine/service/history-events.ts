/**
 * History events shaped as GetDurableExecutionHistory returns them: `EventType`, `SubType`,
 * `EventId` (from 1 per execution), `Id`, `Name`, `EventTimestamp`, `ParentId` and one
 * `<EventType>Details` member. Builders take the operation (or update) the event is about and
 * return the event without its id; the execution numbers it when it is appended.
 */
import type { ErrorObject, OperationUpdate } from "../../runtime/protocol/wire.ts";
import type { StoredOperation } from "../store/store.ts";

export type EventDraft = { EventType: string; EventTimestamp: number } & Record<string, unknown>;

interface Subject {
  Id?: string;
  Name?: string;
  SubType?: string;
  ParentId?: string;
}

export function event(type: string, subject: Subject | undefined, now: number, details: Record<string, unknown>): EventDraft {
  const draft: EventDraft = { EventType: type, EventTimestamp: now };
  if (subject?.SubType !== undefined) draft.SubType = subject.SubType;
  if (subject?.Id !== undefined) draft.Id = subject.Id;
  if (subject?.Name !== undefined) draft.Name = subject.Name;
  if (subject?.ParentId !== undefined) draft.ParentId = subject.ParentId;
  draft[`${type}Details`] = details;
  return draft;
}

export const result = (payload: string | undefined): { Payload?: string } => (payload === undefined ? {} : { Payload: payload });
export const failure = (error: ErrorObject | undefined): { Payload?: ErrorObject } => (error === undefined ? {} : { Payload: error });

/** The event a checkpointed update writes, or none (CALLBACK CANCEL has no event type). */
export function updateEvent(update: OperationUpdate, after: StoredOperation, now: number): EventDraft | undefined {
  const subject: Subject = { Id: update.Id, Name: update.Name ?? after.Name, SubType: update.SubType ?? after.SubType, ParentId: update.ParentId ?? after.ParentId };
  const attempt = after.StepDetails?.Attempt;
  const retry = (): Record<string, unknown> => ({
    CurrentAttempt: attempt,
    ...(update.StepOptions?.NextAttemptDelaySeconds !== undefined ? { NextAttemptDelaySeconds: update.StepOptions.NextAttemptDelaySeconds } : {}),
  });
  switch (`${update.Type}:${update.Action}`) {
    case "STEP:START":
      return event("StepStarted", subject, now, {});
    case "STEP:SUCCEED":
      return event("StepSucceeded", subject, now, { Result: result(update.Payload), RetryDetails: retry() });
    case "STEP:FAIL":
      return event("StepFailed", subject, now, { Error: failure(update.Error), RetryDetails: retry() });
    case "STEP:RETRY":
      // A retry with an error is a failed attempt; one with a payload (waitForCondition's poll) is a
      // succeeded one, as AWS's emulator records them.
      return update.Error != null
        ? event("StepFailed", subject, now, { Error: failure(update.Error), RetryDetails: retry() })
        : event("StepSucceeded", subject, now, { Result: result(update.Payload), RetryDetails: retry() });
    case "CONTEXT:START":
      return event("ContextStarted", subject, now, {});
    case "CONTEXT:SUCCEED":
      return event("ContextSucceeded", subject, now, { Result: result(update.Payload) });
    case "CONTEXT:FAIL":
      return event("ContextFailed", subject, now, { Error: failure(update.Error) });
    case "WAIT:START":
      return event("WaitStarted", subject, now, {
        Duration: update.WaitOptions?.WaitSeconds ?? 0,
        ScheduledEndTimestamp: after.WaitDetails?.ScheduledEndTimestamp,
      });
    case "WAIT:CANCEL":
      return event("WaitCancelled", subject, now, {});
    case "CALLBACK:START": {
      const options = update.CallbackOptions;
      return event("CallbackStarted", subject, now, {
        CallbackId: after.CallbackDetails?.CallbackId,
        ...(options?.HeartbeatTimeoutSeconds ? { HeartbeatTimeout: options.HeartbeatTimeoutSeconds } : {}),
        ...(options?.TimeoutSeconds ? { Timeout: options.TimeoutSeconds } : {}),
      });
    }
    case "CHAINED_INVOKE:START":
      return event("ChainedInvokeStarted", subject, now, {
        FunctionName: update.ChainedInvokeOptions?.FunctionName,
        ...(update.ChainedInvokeOptions?.TenantId ? { TenantId: update.ChainedInvokeOptions.TenantId } : {}),
        Input: result(update.Payload),
      });
    case "CHAINED_INVOKE:CANCEL":
      return event("ChainedInvokeStopped", subject, now, { Error: failure(undefined) });
    default:
      return undefined;
  }
}

/** Events of changes that do not come from an update: timers, callbacks, chained targets. */
export const asyncEvent = {
  waitSucceeded: (op: StoredOperation, now: number, duration: number | undefined) =>
    event("WaitSucceeded", op, now, duration === undefined ? {} : { Duration: duration }),
  callbackSucceeded: (op: StoredOperation, now: number) => event("CallbackSucceeded", op, now, { Result: result(op.CallbackDetails?.Result) }),
  callbackFailed: (op: StoredOperation, now: number) => event("CallbackFailed", op, now, { Error: failure(op.CallbackDetails?.Error) }),
  callbackTimedOut: (op: StoredOperation, now: number) => event("CallbackTimedOut", op, now, { Error: failure(op.CallbackDetails?.Error) }),
  chainedEnded: (op: StoredOperation, now: number) => {
    const type = { SUCCEEDED: "ChainedInvokeSucceeded", FAILED: "ChainedInvokeFailed", TIMED_OUT: "ChainedInvokeTimedOut", STOPPED: "ChainedInvokeStopped" }[
      op.Status as "SUCCEEDED"
    ];
    return type === "ChainedInvokeSucceeded"
      ? event(type, op, now, { Result: result(op.ChainedInvokeDetails?.Result) })
      : event(type, op, now, { Error: failure(op.ChainedInvokeDetails?.Error) });
  },
};
