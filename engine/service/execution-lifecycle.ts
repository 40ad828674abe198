/**
 * An execution's start and end: the start (idempotent by name, the EXECUTION operation, the
 * ExecutionStarted event, the execution timeout), every way it ends (its handler's answer, an
 * EXECUTION checkpoint, a stop, its timeout) and, for a chained invoke's child, the parent's
 * CHAINED_INVOKE operation completed in the same transaction.
 */
import { randomUUID } from "node:crypto";
import type { ErrorObject } from "../../runtime/protocol/wire.ts";
import type { ExecutionRecord, ExecutionStatus, StoredOperation } from "../store/store.ts";
import { assertExecutionName, executionArn } from "./arn.ts";
import type { ExecutionWork } from "./execution-work.ts";
import { asyncEvent, event, failure, result } from "./history-events.ts";
import { ServiceError } from "./service-error.ts";
import type { Transaction } from "./transaction.ts";

export interface StartRequest {
  functionName: string;
  executionName?: string;
  input: string | undefined;
  timeoutSeconds: number;
  region: string;
  parent?: { arn: string; opId: string };
}

export function startExecution(tx: Transaction, request: StartRequest): { execution: ExecutionRecord; created: boolean } {
  const name = request.executionName ?? randomUUID();
  assertExecutionName(name);
  const existing = tx.store.executionByName(request.functionName, name);
  if (existing) {
    if (existing.input === (request.input ?? null)) return { execution: existing, created: false };
    throw new ServiceError(
      "DurableExecutionAlreadyStartedException",
      `A durable execution named ${name} was already started for function ${request.functionName} with a different payload.`,
    );
  }
  const arn = executionArn(request.region, request.functionName, name, randomUUID());
  const opId = randomUUID();
  const now = tx.now;
  tx.store.insertExecution({
    arn, functionName: request.functionName, name, status: "RUNNING", input: request.input ?? null, result: null, error: null,
    startMs: now, endMs: null, timeoutSeconds: request.timeoutSeconds, executionOpId: opId, seq: 0, nextOrd: 0, lastEventId: 0,
    token: null, tokenSeq: 0, invocationToken: null, deliveredSeq: 0, ready: 1, invocationId: null, invocationStartMs: null,
    failedAttempts: 0, parentArn: request.parent?.arn ?? null, parentOpId: request.parent?.opId ?? null,
  });
  const work = tx.work(arn);
  const operation: StoredOperation = {
    Id: opId, Type: "EXECUTION", Status: "STARTED", StartTimestamp: now,
    ExecutionDetails: request.input === undefined ? {} : { InputPayload: request.input },
  };
  work.putOperation(operation);
  // The first invocation has nothing "updated": everything so far is delivered with it.
  work.set("deliveredSeq", work.seq);
  work.set("tokenSeq", work.seq);
  work.appendEvent(event("ExecutionStarted", { Id: opId }, now, { Input: result(request.input), ExecutionTimeout: request.timeoutSeconds }));
  work.setTimer(opId, "execution-timeout", now + request.timeoutSeconds * 1000);
  return { execution: work.execution, created: true };
}

const END_EVENT: Record<Exclude<ExecutionStatus, "RUNNING">, string> = {
  SUCCEEDED: "ExecutionSucceeded",
  FAILED: "ExecutionFailed",
  TIMED_OUT: "ExecutionTimedOut",
  STOPPED: "ExecutionStopped",
};

export function endExecution(
  tx: Transaction,
  work: ExecutionWork,
  status: Exclude<ExecutionStatus, "RUNNING">,
  outcome: { result?: string; error?: ErrorObject },
): void {
  const now = tx.now;
  work.set("status", status);
  work.set("endMs", now);
  work.set("result", outcome.result ?? null);
  work.set("error", outcome.error === undefined ? null : JSON.stringify(outcome.error));
  work.set("token", null);
  work.set("ready", 0);
  work.clearAllTimers();
  const opId = work.execution.executionOpId;
  const op = work.operation(opId);
  if (op) work.putOperation({ ...op, Status: status, EndTimestamp: now });
  const details = status === "SUCCEEDED" ? { Result: result(outcome.result) } : outcome.error === undefined && status === "TIMED_OUT" ? {} : { Error: failure(outcome.error) };
  work.appendEvent(event(END_EVENT[status], { Id: opId }, now, details));
  const { parentArn, parentOpId } = work.execution;
  if (parentArn !== null && parentOpId !== null) {
    completeChained(tx, parentArn, parentOpId, status, outcome);
  }
}

/** A chained target ended: its CHAINED_INVOKE operation in the caller ends the same way. */
export function completeChained(
  tx: Transaction,
  parentArn: string,
  opId: string,
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "STOPPED",
  outcome: { result?: string; error?: ErrorObject },
): void {
  const parent = tx.work(parentArn);
  const op = parent.operation(opId);
  tx.store.deleteChained(parentArn, opId);
  if (!op || op.Status !== "STARTED" || parent.execution.status !== "RUNNING") return;
  const details: NonNullable<StoredOperation["ChainedInvokeDetails"]> = {};
  if (status === "SUCCEEDED" && outcome.result !== undefined) details.Result = outcome.result;
  if (status !== "SUCCEEDED") details.Error = outcome.error ?? { ErrorType: status, ErrorMessage: `The invoked execution ended ${status}.` };
  const after: StoredOperation = { ...op, Status: status, EndTimestamp: tx.now, ChainedInvokeDetails: details };
  parent.putOperation(after);
  parent.appendEvent(asyncEvent.chainedEnded(after, tx.now));
  parent.changedOutside();
}

export function stopExecution(tx: Transaction, arn: string, error: ErrorObject | undefined): number {
  const work = tx.work(arn);
  if (work.execution.status !== "RUNNING") {
    throw new ServiceError("InvalidParameterValueException", `Durable execution ${arn} is not running (it is ${work.execution.status}); only a running execution can be stopped.`);
  }
  endExecution(tx, work, "STOPPED", { error: error ?? { ErrorType: "ExecutionStopped", ErrorMessage: "The execution was stopped." } });
  stopChildren(tx, work);
  return tx.now;
}

/** Stops the running child executions of a stopped or cancelled caller. */
export function stopChildren(tx: Transaction, work: ExecutionWork): void {
  work.flush();
  for (const row of tx.store.operations(work.arn)) {
    if (row.operation.Type !== "CHAINED_INVOKE" || row.operation.Status !== "STARTED") continue;
    const chained = tx.store.chained(work.arn, row.id);
    if (chained?.childArn) {
      const child = tx.work(chained.childArn);
      if (child.execution.status === "RUNNING") endExecution(tx, child, "STOPPED", { error: { ErrorType: "ExecutionStopped", ErrorMessage: "The calling execution was stopped." } });
    }
  }
}
