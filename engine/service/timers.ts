/**
 * A due timer fired, in its own transaction: a wait succeeds, a step retry becomes READY, a
 * callback times out (whole or heartbeat), an execution times out, a failed invocation may be
 * tried again. A timer already dropped or moved (a heartbeat restarted it) does nothing.
 */
import type { StoredOperation, TimerRecord } from "../store/store.ts";
import { endExecution } from "./execution-lifecycle.ts";
import { asyncEvent } from "./history-events.ts";
import type { Transaction } from "./transaction.ts";

export function fireTimer(tx: Transaction, timer: TimerRecord): void {
  const current = tx.store.timer(timer.arn, timer.opId, timer.kind);
  if (!current || current.dueMs !== timer.dueMs) return;
  tx.store.deleteTimer(timer.arn, timer.opId, timer.kind);
  tx.timersChanged = true;
  const work = tx.work(timer.arn);
  if (work.execution.status !== "RUNNING") return;
  if (timer.kind === "execution-timeout") {
    endExecution(tx, work, "TIMED_OUT", {
      error: { ErrorType: "ExecutionTimedOut", ErrorMessage: `The execution did not finish within its timeout of ${work.execution.timeoutSeconds} seconds.` },
    });
    return;
  }
  if (timer.kind === "invoke-retry") {
    work.set("ready", 1);
    return;
  }
  const op = work.operation(timer.opId);
  if (!op) return;
  const now = tx.now;
  switch (timer.kind) {
    case "wait": {
      if (op.Status !== "STARTED") return;
      const after: StoredOperation = { ...op, Status: "SUCCEEDED", EndTimestamp: now };
      const scheduled = op.WaitDetails?.ScheduledEndTimestamp;
      const duration = typeof scheduled === "number" && typeof op.StartTimestamp === "number" ? Math.round((scheduled - op.StartTimestamp) / 1000) : undefined;
      work.putOperation(after);
      work.appendEvent(asyncEvent.waitSucceeded(after, now, duration));
      break;
    }
    case "retry":
      if (op.Status !== "PENDING") return;
      work.putOperation({ ...op, Status: "READY" });
      break;
    case "callback-timeout":
    case "callback-heartbeat": {
      if (op.Status !== "STARTED") return;
      const message = timer.kind === "callback-timeout" ? "Callback timed out" : "Callback timed out on heartbeat";
      const after: StoredOperation = {
        ...op,
        Status: "TIMED_OUT",
        EndTimestamp: now,
        CallbackDetails: { ...op.CallbackDetails, Error: { ErrorMessage: message } },
      };
      work.clearTimer(op.Id, timer.kind === "callback-timeout" ? "callback-heartbeat" : "callback-timeout");
      work.putOperation(after);
      work.appendEvent(asyncEvent.callbackTimedOut(after, now));
      break;
    }
  }
  work.changedOutside();
}
