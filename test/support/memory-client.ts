/**
 * An in-memory durable execution service, small enough to read: it applies OperationUpdates the
 * way the service does (START -> STARTED, SUCCEED/FAIL, RETRY -> PENDING with Attempt+1, WAIT
 * START -> STARTED with ScheduledEndTimestamp), rotates tokens, answers with the operations each
 * request changed, records every request, and builds the next invocation's event (children of
 * finished contexts pruned unless ReplayChildren). `drive()` re-invokes a handler until it
 * finishes, completing due waits and retries in between. It checks a few invariants the real
 * service enforces (known token, known parent, STEP RETRY needs StepOptions) and throws on them.
 */
import type {
  CheckpointRequest,
  CheckpointResponse,
  DurableExecutionInvocationInput,
  DurableExecutionInvocationOutput,
  ExecutionStatePage,
  GetExecutionStateRequest,
  Operation,
  OperationUpdate,
} from "../../runtime/protocol/wire.ts";

export const ARN = "arn:aws:lambda:us-east-1:123456789012:function:test:$LATEST/durable-execution/run/1";
const EXECUTION_ID = "execution-0000";

export class MemoryClient {
  readonly operations = new Map<string, Operation>();
  readonly requests: CheckpointRequest[] = [];
  /** Makes the next checkpoint calls fail with these errors, in order. */
  failures: unknown[] = [];
  /** Answer the next checkpoint without a CheckpointToken. */
  omitTokenOnce = false;
  /** Delay each checkpoint by this many ms (real timers), to test in-flight behaviour. */
  latencyMs = 0;
  /** Largest page getExecutionState returns, whatever MaxItems asks for. */
  pageLimit = 1000;
  private tokenCounter = 0;
  private validTokens = new Set<string>();
  now = Date.UTC(2026, 0, 1);

  constructor(input: unknown = {}) {
    this.operations.set(EXECUTION_ID, {
      Id: EXECUTION_ID,
      Type: "EXECUTION",
      Status: "STARTED",
      StartTimestamp: new Date(this.now).toISOString(),
      ExecutionDetails: { InputPayload: JSON.stringify(input) },
    });
  }

  private newToken(): string {
    const token = `token-${++this.tokenCounter}`;
    this.validTokens.add(token);
    return token;
  }

  async checkpoint(request: CheckpointRequest): Promise<CheckpointResponse> {
    this.requests.push(structuredClone(request));
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    if (!this.validTokens.delete(request.CheckpointToken)) throw Object.assign(new Error("Invalid checkpoint token"), { $metadata: { httpStatusCode: 400 } });
    const changed = new Map<string, Operation>();
    for (const update of request.Updates ?? []) changed.set(update.Id, this.apply(update));
    if (this.omitTokenOnce) {
      this.omitTokenOnce = false;
      return { NewExecutionState: { Operations: [...changed.values()] } };
    }
    return { CheckpointToken: this.newToken(), NewExecutionState: { Operations: [...changed.values()].map((o) => structuredClone(o)) } };
  }

  async getExecutionState(request: GetExecutionStateRequest): Promise<ExecutionStatePage> {
    const all = this.visible();
    const start = Number(request.Marker ?? 0);
    const end = Math.min(all.length, start + Math.min(request.MaxItems ?? 100, this.pageLimit));
    return { Operations: all.slice(start, end), ...(end < all.length ? { NextMarker: String(end) } : {}) };
  }

  private apply(u: OperationUpdate): Operation {
    if (u.ParentId !== undefined && !this.operations.has(u.ParentId)) throw new Error(`Invalid parent operation id ${u.ParentId}`);
    if (u.Type === "EXECUTION") {
      const exec = this.operations.get(EXECUTION_ID)!;
      exec.Status = u.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED";
      (exec as Operation & { Result?: string }).Result = u.Payload;
      return exec;
    }
    const now = new Date(this.now).toISOString();
    const existing = this.operations.get(u.Id);
    const op: Operation = existing ?? { Id: u.Id, Type: u.Type, Status: "STARTED", StartTimestamp: now };
    if (u.ParentId !== undefined) op.ParentId = u.ParentId;
    if (u.Name !== undefined) op.Name = u.Name;
    if (u.SubType !== undefined) op.SubType = u.SubType;
    const details = (key: "StepDetails" | "ContextDetails") => (op[key] ??= {}) as Record<string, unknown>;
    switch (u.Action) {
      case "START":
        op.Status = "STARTED";
        if (u.Type === "WAIT") op.WaitDetails = { ScheduledEndTimestamp: new Date(this.now + (u.WaitOptions?.WaitSeconds ?? 0) * 1000).toISOString() };
        break;
      case "SUCCEED":
      case "FAIL": {
        op.Status = u.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED";
        op.EndTimestamp = now;
        const d = details(u.Type === "STEP" ? "StepDetails" : "ContextDetails");
        if (u.Payload !== undefined) d["Result"] = u.Payload;
        if (u.Error !== undefined) d["Error"] = u.Error;
        if (u.Type === "STEP") d["Attempt"] = ((d["Attempt"] as number | undefined) ?? 0) + 1;
        if (u.ContextOptions?.ReplayChildren) d["ReplayChildren"] = true;
        break;
      }
      case "RETRY": {
        if (!u.StepOptions) throw new Error("RETRY requires StepOptions");
        op.Status = "PENDING";
        const d = details("StepDetails");
        d["Attempt"] = ((d["Attempt"] as number | undefined) ?? 0) + 1;
        d["NextAttemptTimestamp"] = new Date(this.now + (u.StepOptions.NextAttemptDelaySeconds ?? 0) * 1000).toISOString();
        if (u.Error !== undefined) d["Error"] = u.Error;
        break;
      }
      case "CANCEL":
        op.Status = "CANCELLED";
        break;
    }
    this.operations.set(u.Id, op);
    return op;
  }

  /** Operations the next invocation sees: children of finished contexts are pruned. */
  visible(): Operation[] {
    const hidden = (op: Operation): boolean => {
      for (let p = op.ParentId; p !== undefined; ) {
        const parent = this.operations.get(p);
        if (!parent) return false;
        if ((parent.Status === "SUCCEEDED" || parent.Status === "FAILED") && !parent.ContextDetails?.ReplayChildren) return true;
        p = parent.ParentId;
      }
      return false;
    };
    return [...this.operations.values()].filter((op) => !hidden(op)).map((op) => structuredClone(op));
  }

  /** Moves time forward: due waits succeed, due retries become READY. */
  advance(seconds = 400 * 86_400): void {
    this.now += seconds * 1000;
    for (const op of this.operations.values()) {
      const due = (t: unknown) => t !== undefined && new Date(t as string).getTime() <= this.now;
      if (op.Type === "WAIT" && op.Status === "STARTED" && due(op.WaitDetails?.ScheduledEndTimestamp)) op.Status = "SUCCEEDED";
      if (op.Type === "STEP" && op.Status === "PENDING" && due(op.StepDetails?.NextAttemptTimestamp)) op.Status = "READY";
    }
  }

  /** The event of the next invocation; `pageSize` splits the state to exercise paging. */
  event(pageSize?: number): DurableExecutionInvocationInput & { durableExecutionClient?: unknown } {
    const all = this.visible();
    const first = pageSize === undefined ? all : all.slice(0, pageSize);
    return {
      DurableExecutionArn: ARN,
      CheckpointToken: this.newToken(),
      InitialExecutionState: { Operations: first, ...(first.length < all.length ? { NextMarker: String(first.length) } : {}) },
    };
  }

  /** Invokes until SUCCEEDED/FAILED (or `maxInvocations`), advancing time between invocations. */
  async drive(
    handler: (event: unknown, lambdaContext: unknown) => Promise<DurableExecutionInvocationOutput>,
    maxInvocations = 50,
  ): Promise<{ output: DurableExecutionInvocationOutput; invocations: number }> {
    for (let i = 1; ; i++) {
      const lambdaContext = { awsRequestId: `memory-${i}`, getRemainingTimeInMillis: () => 900_000 };
      const output = await handler(this.event(), lambdaContext);
      if (output.Status !== "PENDING" || i >= maxInvocations) return { output, invocations: i };
      this.advance();
    }
  }

  /** Every update sent so far, in order. */
  updates(): OperationUpdate[] {
    return this.requests.flatMap((r) => r.Updates ?? []);
  }
}
