/**
 * SendDurableExecutionCallbackSuccess / Failure / Heartbeat. A callback is answered once: an id
 * that is not base64 is an invalid parameter, an unknown one is not found, and one already
 * answered, timed out or cancelled is the service's CallbackTimeoutException. A heartbeat
 * restarts the heartbeat timer. Each call is one transaction.
 */
import type { ErrorObject } from "../../runtime/protocol/wire.ts";
import type { StoredOperation } from "../store/store.ts";
import type { ExecutionWork } from "./execution-work.ts";
import { asyncEvent } from "./history-events.ts";
import { MAX_PAYLOAD_BYTES } from "./validate-updates.ts";
import { invalidParameter, notFound, ServiceError } from "./service-error.ts";
import { CALLBACK_ID_PATTERN } from "./tokens.ts";
import type { Transaction } from "./transaction.ts";

export type CallbackAnswer = { kind: "success"; result: string | undefined } | { kind: "failure"; error: ErrorObject } | { kind: "heartbeat" };

export function answerCallback(tx: Transaction, callbackId: string, answer: CallbackAnswer): void {
  if (typeof callbackId !== "string" || !CALLBACK_ID_PATTERN.test(callbackId)) {
    throw invalidParameter(`CallbackId ${JSON.stringify(callbackId)} is not a callback id (base64, at most 1024 characters).`);
  }
  if (answer.kind === "success" && answer.result !== undefined && Buffer.byteLength(answer.result) > MAX_PAYLOAD_BYTES) {
    throw new ServiceError("RequestTooLargeException", `Callback result must be at most ${MAX_PAYLOAD_BYTES} bytes.`);
  }
  const record = tx.store.callback(callbackId);
  if (!record) throw notFound(`Callback not found: ${callbackId}`);
  const work = tx.work(record.arn);
  const op = work.operation(record.opId);
  if (!op || op.Status !== "STARTED" || work.execution.status !== "RUNNING") {
    throw new ServiceError(
      "CallbackTimeoutException",
      `Callback ${callbackId} is closed (${op?.Status ?? "unknown"}${work.execution.status !== "RUNNING" ? `, execution ${work.execution.status}` : ""}): it was already answered, timed out or cancelled.`,
    );
  }
  if (answer.kind === "heartbeat") {
    if (record.heartbeatSeconds !== null) work.setTimer(op.Id, "callback-heartbeat", tx.now + record.heartbeatSeconds * 1000);
    return;
  }
  complete(tx, work, op, answer);
}

function complete(tx: Transaction, work: ExecutionWork, op: StoredOperation, answer: Exclude<CallbackAnswer, { kind: "heartbeat" }>): void {
  const details: NonNullable<StoredOperation["CallbackDetails"]> = { CallbackId: op.CallbackDetails?.CallbackId };
  if (answer.kind === "success" && answer.result !== undefined) details.Result = answer.result;
  if (answer.kind === "failure") details.Error = answer.error;
  const after: StoredOperation = { ...op, Status: answer.kind === "success" ? "SUCCEEDED" : "FAILED", EndTimestamp: tx.now, CallbackDetails: details };
  work.clearTimer(op.Id, "callback-timeout");
  work.clearTimer(op.Id, "callback-heartbeat");
  work.putOperation(after);
  work.appendEvent(answer.kind === "success" ? asyncEvent.callbackSucceeded(after, tx.now) : asyncEvent.callbackFailed(after, tx.now));
  work.changedOutside();
}
