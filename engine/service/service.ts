/**
 * DurableService: the Lambda durable execution service's commands over the store, each one
 * transaction, and the engine-internal commands the scheduler drives (invocations, timers, plain
 * chained calls, recovery after a restart). Listeners hear what each command changed, after its
 * commit. Timestamps leave as epoch ms; the HTTP layer and the test runner format them.
 */
import type { CheckpointRequest, ErrorObject, GetExecutionStateRequest } from "../../runtime/protocol/wire.ts";
import type { ChainedRecord, ExecutionRecord, Store, TimerRecord } from "../store/store.ts";
import { assertFunctionName, functionNameOf } from "./arn.ts";
import type { CallbackAnswer } from "./callbacks.ts";
import { answerCallback } from "./callbacks.ts";
import type { FunctionCatalog } from "./catalog.ts";
import type { CheckpointResult } from "./checkpoint.ts";
import { checkpoint } from "./checkpoint.ts";
import type { Clock } from "./clock.ts";
import { completeChained, startExecution, stopExecution } from "./execution-lifecycle.ts";
import type { InvocationOutcome, InvocationStart, RetryPolicy } from "./invocations.ts";
import { beginInvocation, endInvocation } from "./invocations.ts";
import type { ExecutionView, HistoryRequest, ListRequest } from "./queries.ts";
import { getExecution, getHistory, getState, listExecutions } from "./queries.ts";
import { invalidParameter, notFound } from "./service-error.ts";
import { fireTimer } from "./timers.ts";
import type { Committed, Transaction } from "./transaction.ts";
import { runGrouped, runTransaction } from "./transaction.ts";

export interface ServiceOptions {
  region: string;
  /** Operations in an invocation's first page of state. */
  statePageSize: number;
  retry: RetryPolicy;
  functions: FunctionCatalog;
}

export type CommitListener = (committed: Committed) => void;

export interface StartExecutionRequest {
  functionName: string;
  executionName?: string;
  input?: string;
  timeoutSeconds: number;
}

export class DurableService {
  readonly store: Store;
  readonly clock: Clock;
  readonly options: ServiceOptions;
  private readonly listeners = new Set<CommitListener>();

  constructor(store: Store, clock: Clock, options: ServiceOptions) {
    this.store = store;
    this.clock = clock;
    this.options = options;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private run<T>(fn: (tx: Transaction) => T): T {
    const { value, committed } = runTransaction(this.store, this.clock, fn);
    for (const listener of this.listeners) listener(committed);
    return value;
  }

  // The service's commands

  startExecution(request: StartExecutionRequest): { execution: ExecutionRecord; created: boolean } {
    assertFunctionName(request.functionName);
    return this.run((tx) => startExecution(tx, { ...request, input: request.input, region: this.options.region }));
  }

  checkpoint(request: CheckpointRequest): CheckpointResult {
    return this.run((tx) => checkpoint(tx, request, { region: this.options.region, functions: this.options.functions }));
  }

  /**
   * Checkpoint requests that arrived together, committed as one transaction (each under its own
   * savepoint, so each is still all or nothing); the answers in the requests' order.
   */
  checkpointGroup(requests: readonly CheckpointRequest[]): Array<{ value: CheckpointResult } | { error: unknown }> {
    const env = { region: this.options.region, functions: this.options.functions };
    const { outcomes, committed } = runGrouped(this.store, this.clock, requests.map((request) => (tx: Transaction) => checkpoint(tx, request, env)));
    for (const listener of this.listeners) listener(committed);
    return outcomes;
  }

  getExecutionState(request: GetExecutionStateRequest) {
    return getState(this.store, request);
  }

  getExecution(arn: string, includeData?: boolean): ExecutionView {
    return getExecution(this.store, arn, this.options.region, includeData);
  }

  listExecutions(request: ListRequest) {
    if (typeof request.FunctionName !== "string" || request.FunctionName === "") throw invalidParameter("FunctionName is required.");
    const functionName = functionNameOf(request.FunctionName);
    if (!this.options.functions.describe(functionName) && this.store.listExecutions(functionName, false).length === 0) {
      throw notFound(`Function not found: ${request.FunctionName}`);
    }
    return listExecutions(this.store, { ...request, FunctionName: functionName }, this.options.region);
  }

  getHistory(request: HistoryRequest) {
    return getHistory(this.store, request);
  }

  stopExecution(arn: string, error?: ErrorObject): { StopTimestamp: number } {
    if (typeof arn !== "string" || arn === "") throw invalidParameter("DurableExecutionArn is required.");
    return { StopTimestamp: this.run((tx) => stopExecution(tx, arn, error)) };
  }

  sendCallbackSuccess(callbackId: string, result?: string): void {
    this.answer(callbackId, { kind: "success", result });
  }

  sendCallbackFailure(callbackId: string, error?: ErrorObject): void {
    this.answer(callbackId, { kind: "failure", error: error ?? {} });
  }

  sendCallbackHeartbeat(callbackId: string): void {
    this.answer(callbackId, { kind: "heartbeat" });
  }

  private answer(callbackId: string, answer: CallbackAnswer): void {
    this.run((tx) => answerCallback(tx, callbackId, answer));
  }

  // What the scheduler drives

  beginInvocation(arn: string, invocationId: string): InvocationStart | undefined {
    return this.run((tx) => beginInvocation(tx, arn, invocationId, this.options.statePageSize));
  }

  endInvocation(arn: string, invocationId: string, outcome: InvocationOutcome): boolean {
    return this.run((tx) => endInvocation(tx, arn, invocationId, outcome, this.options.retry));
  }

  readyExecutions(limit: number, functionName?: string): ExecutionRecord[] {
    return this.store.readyExecutions(limit, functionName);
  }

  nextTimer(): TimerRecord | undefined {
    return this.store.nextTimer();
  }

  /** Fires every timer due by the clock, each in its own transaction. */
  fireDueTimers(): number {
    let fired = 0;
    for (;;) {
      const due = this.store.dueTimers(this.clock.now(), 100);
      if (due.length === 0) return fired;
      for (const timer of due) {
        this.run((tx) => fireTimer(tx, timer));
        fired++;
      }
    }
  }

  completePlainCall(call: ChainedRecord, outcome: { result?: string; error?: ErrorObject }): void {
    this.run((tx) => {
      if (!tx.store.chained(call.arn, call.opId)) return;
      completeChained(tx, call.arn, call.opId, outcome.error ? "FAILED" : "SUCCEEDED", outcome);
    });
  }

  /**
   * After a restart: invocations that were running when the engine stopped are invoked again (their
   * tokens die with the next invocation), and plain chained calls still open are called again.
   */
  recover(): ChainedRecord[] {
    this.run((tx) => {
      for (const record of tx.store.invokingExecutions()) {
        const work = tx.work(record.arn);
        work.set("invocationId", null);
        work.set("invocationStartMs", null);
        work.set("token", null);
        if (work.execution.status === "RUNNING") work.set("ready", 1);
      }
    });
    return this.store.plainChainedCalls().filter((call) => this.store.operation(call.arn, call.opId)?.operation.Status === "STARTED");
  }
}

export { functionNameOf };
