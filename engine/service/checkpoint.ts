/**
 * CheckpointDurableExecution: the token rule (the current token only; a retried request with the
 * same ClientToken is answered again), validation, every update applied in order, the new token,
 * and the operations changed since the request's token. One transaction: all of it or nothing.
 */
import type { CheckpointRequest, OperationUpdate } from "../../runtime/protocol/wire.ts";
import type { StoredOperation } from "../store/store.ts";
import type { FunctionCatalog } from "./catalog.ts";
import { completeChained, endExecution, startExecution, stopChildren } from "./execution-lifecycle.ts";
import type { ExecutionWork } from "./execution-work.ts";
import { applyUpdate } from "./operation-transitions.ts";
import { INVALID_TOKEN, invalidParameter } from "./service-error.ts";
import { newCallbackId, newCheckpointToken } from "./tokens.ts";
import type { Transaction } from "./transaction.ts";
import { validateUpdates } from "./validate-updates.ts";

const CLIENT_TOKEN_MS = 15 * 60 * 1000;

export interface CheckpointResult {
  CheckpointToken?: string;
  NewExecutionState: { Operations: StoredOperation[] };
}

export interface CheckpointEnv {
  region: string;
  functions: FunctionCatalog;
}

export function checkpoint(tx: Transaction, request: CheckpointRequest, env: CheckpointEnv): CheckpointResult {
  if (typeof request?.DurableExecutionArn !== "string") throw invalidParameter("DurableExecutionArn is required.");
  const work = tx.work(request.DurableExecutionArn);
  const { ClientToken: clientToken, CheckpointToken: token } = request;
  if (clientToken) {
    const seen = tx.store.clientToken(work.arn, clientToken);
    if (seen && seen.requestToken === token && seen.atMs >= tx.now - CLIENT_TOKEN_MS) {
      return answer(work, seen.issuedToken, seen.fromSeq);
    }
  }
  if (typeof token !== "string" || token === "" || work.execution.token === null || token !== work.execution.token) {
    throw invalidParameter(INVALID_TOKEN);
  }
  const updates: OperationUpdate[] = request.Updates ?? [];
  validateUpdates(updates, (id) => work.operation(id));
  const fromSeq = work.execution.tokenSeq;
  // Nothing changed since the token was issued (no timer, callback or chained answer): the
  // operations changed since are exactly the ones this request writes, no need to read them back.
  const onlyThisRequest = work.execution.seq === fromSeq;
  for (const update of updates) apply(tx, work, update, env);
  const issued = work.execution.status === "RUNNING" ? newCheckpointToken() : null;
  const delivered = work.execution.seq;
  work.set("token", issued);
  work.set("tokenSeq", delivered);
  work.set("deliveredSeq", delivered);
  if (clientToken) {
    tx.store.expireClientTokens(work.arn, tx.now - CLIENT_TOKEN_MS);
    tx.store.putClientToken(work.arn, clientToken, { requestToken: token, issuedToken: issued, fromSeq, atMs: tx.now });
  }
  return answer(work, issued, fromSeq, onlyThisRequest);
}

function answer(work: ExecutionWork, token: string | null, fromSeq: number, onlyThisRequest = false): CheckpointResult {
  work.flush();
  const operations = onlyThisRequest ? work.written() : work.store.operationsChangedAfter(work.arn, fromSeq).map((row) => row.operation);
  return token === null ? { NewExecutionState: { Operations: operations } } : { CheckpointToken: token, NewExecutionState: { Operations: operations } };
}

function apply(tx: Transaction, work: ExecutionWork, update: OperationUpdate, env: CheckpointEnv): void {
  if (update.Type === "EXECUTION") {
    // Whatever id the caller used, an EXECUTION update is about the execution itself.
    endExecution(tx, work, update.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED", update.Action === "SUCCEED" ? { result: update.Payload ?? "" } : { error: update.Error ?? {} });
    stopChildren(tx, work);
    return;
  }
  const before = work.operation(update.Id);
  const transition = applyUpdate(before, update, tx.now, newCallbackId);
  work.putOperation(transition.operation);
  work.appendEvent(transition.event);
  for (const kind of transition.clearTimers) work.clearTimer(update.Id, kind);
  for (const timer of transition.setTimers) work.setTimer(update.Id, timer.kind, timer.dueMs);
  if (transition.callbackId !== undefined) {
    const heartbeat = update.CallbackOptions?.HeartbeatTimeoutSeconds;
    tx.store.putCallback(transition.callbackId, work.arn, update.Id, heartbeat && heartbeat > 0 ? heartbeat : null);
  }
  if (transition.chained) startChained(tx, work, update.Id, transition.chained, env);
  if (transition.stopChained) {
    const chained = tx.store.chained(work.arn, update.Id);
    tx.store.deleteChained(work.arn, update.Id);
    if (chained?.childArn) {
      const child = tx.work(chained.childArn);
      if (child.execution.status === "RUNNING") {
        child.set("parentArn", null); // the caller cancelled it: nothing to report back
        endExecution(tx, child, "STOPPED", { error: { ErrorType: "ExecutionStopped", ErrorMessage: "The calling execution cancelled the invoke." } });
      }
    }
  }
}

function startChained(tx: Transaction, work: ExecutionWork, opId: string, target: { functionName: string; payload: string | undefined }, env: CheckpointEnv): void {
  const fn = env.functions.describe(target.functionName);
  if (!fn) {
    tx.store.putChained({ arn: work.arn, opId, functionName: target.functionName, payload: target.payload ?? null, childArn: null });
    completeChained(tx, work.arn, opId, "FAILED", {
      error: { ErrorType: "ResourceNotFoundException", ErrorMessage: `Function not found: ${target.functionName} (register it with the engine to invoke it).` },
    });
    return;
  }
  if (!fn.durable) {
    const record = { arn: work.arn, opId, functionName: fn.name, payload: target.payload ?? null, childArn: null };
    tx.store.putChained(record);
    tx.plainCalls.push(record);
    return;
  }
  const { execution } = startExecution(tx, {
    functionName: fn.name,
    input: target.payload,
    timeoutSeconds: fn.executionTimeoutSeconds,
    region: env.region,
    parent: { arn: work.arn, opId },
  });
  tx.store.putChained({ arn: work.arn, opId, functionName: fn.name, payload: target.payload ?? null, childArn: execution.arn });
}
