/**
 * An invocation's start and end as the service records them. Start: a new token (the previous
 * invocation's dies with it), the pruned state's first page, the ids changed since the last
 * delivery. End: InvocationCompleted, then the answer applied (SUCCEEDED / FAILED end the
 * execution; PENDING waits, is invoked again at once if a change was not delivered, or fails the
 * execution when nothing is pending), or a failure counted and retried with backoff.
 */
import type { ErrorObject, Operation } from "../../runtime/protocol/wire.ts";
import type { StoredOperation } from "../store/store.ts";
import { endExecution } from "./execution-lifecycle.ts";
import { event, failure } from "./history-events.ts";
import { encodeMarker, prunedOperations } from "./state-view.ts";
import { newCheckpointToken } from "./tokens.ts";
import type { Transaction } from "./transaction.ts";

export interface InvocationStart {
  arn: string;
  functionName: string;
  invocationId: string;
  checkpointToken: string;
  operations: StoredOperation[];
  nextMarker: string | undefined;
  updatedOperationIds: string[];
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function beginInvocation(tx: Transaction, arn: string, invocationId: string, pageSize: number): InvocationStart | undefined {
  const work = tx.work(arn);
  const e = work.execution;
  if (e.status !== "RUNNING" || e.invocationId !== null) return undefined;
  work.flush();
  const updatedOperationIds = tx.store.operationsChangedAfter(arn, e.deliveredSeq).map((row) => row.id);
  const token = newCheckpointToken();
  work.set("token", token);
  work.set("tokenSeq", e.seq);
  work.set("invocationToken", token);
  work.set("deliveredSeq", e.seq);
  work.set("ready", 0);
  work.set("invocationId", invocationId);
  work.set("invocationStartMs", tx.now);
  const rows = prunedOperations(tx.store.operations(arn));
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    arn,
    functionName: e.functionName,
    invocationId,
    checkpointToken: token,
    operations: page.map((row) => row.operation),
    nextMarker: rows.length > page.length && last ? encodeMarker("state", last.ord) : undefined,
    updatedOperationIds,
  };
}

export type InvocationOutcome = { output: unknown } | { failure: ErrorObject };

/** Records the end of an invocation. Returns false when it was no longer the execution's invocation. */
export function endInvocation(tx: Transaction, arn: string, invocationId: string, outcome: InvocationOutcome, retry: RetryPolicy): boolean {
  const work = tx.work(arn);
  const e = work.execution;
  if (e.invocationId !== invocationId) return false;
  const answer = "output" in outcome ? readOutput(outcome.output) : { failure: outcome.failure };
  work.set("invocationId", null);
  // No one may checkpoint between invocations: a handler still running after its answer (or its
  // timeout) is a zombie, and the next invocation gets a fresh token.
  if (e.status === "RUNNING") work.set("token", null);
  work.appendEvent(
    event("InvocationCompleted", undefined, tx.now, {
      StartTimestamp: e.invocationStartMs ?? tx.now,
      EndTimestamp: tx.now,
      RequestId: invocationId,
      ...("failure" in answer ? { Error: failure(answer.failure) } : answer.Status === "FAILED" ? { Error: failure(answer.Error) } : {}),
    }),
  );
  work.set("invocationStartMs", null);
  // Ended meanwhile (an EXECUTION checkpoint, a stop, its timeout): the answer changes nothing.
  if (e.status !== "RUNNING") return true;
  if ("failure" in answer) {
    const attempts = e.failedAttempts + 1;
    work.set("failedAttempts", attempts);
    if (attempts >= retry.maxAttempts) {
      const reason = answer.failure;
      endExecution(tx, work, "FAILED", {
        error: { ...reason, ErrorMessage: `Invocation failed ${attempts} time${attempts === 1 ? "" : "s"} in a row: ${reason.ErrorMessage ?? reason.ErrorType ?? "unknown error"}` },
      });
    } else {
      const delay = Math.min(retry.baseDelayMs * 2 ** (attempts - 1), retry.maxDelayMs);
      work.set("ready", 0);
      work.setTimer(e.executionOpId, "invoke-retry", tx.now + delay);
    }
    return true;
  }
  work.set("failedAttempts", 0);
  work.flush();
  if (answer.Status === "SUCCEEDED") {
    endExecution(tx, work, "SUCCEEDED", answer.Result === undefined ? {} : { result: answer.Result });
  } else if (answer.Status === "FAILED") {
    endExecution(tx, work, "FAILED", { error: answer.Error ?? {} });
  } else if (tx.store.operationsChangedAfter(arn, e.deliveredSeq).length > 0) {
    work.set("ready", 1);
  } else if (!tx.store.hasPendingOperation(arn)) {
    endExecution(tx, work, "FAILED", {
      error: { ErrorType: "InvalidParameterValueException", ErrorMessage: "Cannot return PENDING status with no pending operations." },
    });
  }
  return true;
}

type Answer = { Status: "SUCCEEDED"; Result?: string } | { Status: "FAILED"; Error?: ErrorObject } | { Status: "PENDING" } | { failure: ErrorObject };

function readOutput(output: unknown): Answer {
  const o = output as { Status?: unknown; Result?: unknown; Error?: unknown } | null;
  const status = o && typeof o === "object" ? o.Status : undefined;
  if (status === "SUCCEEDED" && (o!.Result === undefined || typeof o!.Result === "string")) {
    return o!.Result === undefined ? { Status: "SUCCEEDED" } : { Status: "SUCCEEDED", Result: o!.Result as string };
  }
  if (status === "FAILED") return { Status: "FAILED", Error: (o!.Error ?? {}) as ErrorObject };
  if (status === "PENDING") return { Status: "PENDING" };
  return {
    failure: {
      ErrorType: "Runtime.InvalidOutput",
      ErrorMessage: `The handler answered ${describe(output)}, which is not a durable invocation output ({ Status: "SUCCEEDED" | "FAILED" | "PENDING" }). Is it wrapped with withDurableExecution or compiled with "use durable"?`,
    },
  };
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

export type { Operation };
