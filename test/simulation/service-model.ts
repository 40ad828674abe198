/**
 * One durable execution as the service keeps it, on a virtual clock: the operations, the token of
 * the invocation in progress, the timers that change operations without the handler (a wait
 * ending, a step retry falling due, an external system answering a callback or letting it time
 * out, a chained invoke finishing). Checkpoint requests are validated (update-rules.ts) and applied
 * as AWS's emulator applies them; the state an invocation receives prunes the children of finished
 * contexts unless ReplayChildren. What a correct runtime can never cause (an invalid update, a
 * checkpoint after the execution ended) is recorded in `violations`.
 *
 * `SimService` is the seam the driver and the fault client use; the engine can stand behind it
 * later (SPEC.md). This module decides no fault: faults are the fault client's.
 */
import type {
  CheckpointRequest,
  CheckpointResponse,
  DurableExecutionInvocationInput,
  DurableExecutionInvocationOutput,
  ErrorObject,
  ExecutionStatePage,
  GetExecutionStateRequest,
  Operation,
  OperationUpdate,
} from "../../runtime/protocol/wire.ts";
import { checkRequest } from "./update-rules.ts";

export const SIM_ARN = "arn:aws:lambda:us-east-1:123456789012:function:sim:1/durable-execution/sim/0001";
const EXECUTION_ID = "0a1b2c3d-0000-4000-8000-000000000001";

/** What the world outside does with a callback or a chained invoke. */
export interface World {
  /** A callback just started: when and how the external system answers it (never: it does not). */
  callback(op: Operation, parent: Operation | undefined): { afterSeconds: number; result?: string; error?: ErrorObject } | "never";
  /** A chained invoke just started: its target's outcome. */
  invoke(functionName: string, payload: string | undefined): { afterSeconds: number; result?: string; error?: ErrorObject };
}

/** An error as the AWS SDK raises it for a service answer. */
export class ServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** How an invocation ended, as Lambda reports it to the service. */
export type InvocationEnd = { output: unknown } | { thrown: unknown } | { abandoned: true };

export interface SimService {
  readonly arn: string;
  /**
   * The event of the next invocation, its first page `pageSize` operations long; undefined when the
   * service will never invoke the execution again (nothing due, nothing pending).
   */
  startInvocation(pageSize?: number): DurableExecutionInvocationInput | undefined;
  /** The invocation ended (answered, threw or was abandoned): its token is no longer valid. */
  endInvocation(end: InvocationEnd): void;
  checkpoint(request: CheckpointRequest): CheckpointResponse;
  getExecutionState(request: GetExecutionStateRequest): ExecutionStatePage;
  /** Makes the current token stale, as a newer checkpoint of the same invocation would. */
  rotateToken(): void;
  /** Time passing while an invocation runs: timers due meanwhile fire. */
  tick(seconds: number): void;
  /** Moves the clock to the next timer that still changes something and fires it; false if none. */
  advanceToNextTimer(): boolean;
  advance(seconds: number): void;
  /** The execution ended with this output (SUCCEEDED / FAILED). */
  finish(output: DurableExecutionInvocationOutput): void;
  readonly terminal: boolean;
  /** The result checkpointed on the EXECUTION operation (a result too large for the response). */
  readonly executionResult: string | undefined;
  readonly violations: string[];
  /** Every operation except the EXECUTION, unpruned. */
  operations(): Operation[];
  readonly requests: number;
}

interface Timer {
  at: number;
  seq: number;
  /** Applies the change; false if the operation already moved on (nothing changed). */
  fire: () => boolean;
  live: () => boolean;
}

export class ServiceModel implements SimService {
  readonly arn = SIM_ARN;
  readonly violations: string[] = [];
  requests = 0;
  private readonly ops = new Map<string, Operation>();
  private readonly dirty = new Set<string>();
  private timers: Timer[] = [];
  private seq = 0;
  private now = Date.UTC(2026, 0, 1, 12);
  private token: string | undefined;
  private invocationTokens = new Set<string>();
  private tokenCount = 0;
  private snapshot: Operation[] = [];
  private ended = false;
  private result: string | undefined;
  private readonly world: World;

  constructor(input: unknown, world: World) {
    this.world = world;
    this.ops.set(EXECUTION_ID, {
      Id: EXECUTION_ID,
      Type: "EXECUTION",
      Status: "STARTED",
      StartTimestamp: new Date(this.now).toISOString(),
      ExecutionDetails: { InputPayload: JSON.stringify(input) },
    });
  }

  get terminal(): boolean {
    return this.ended;
  }

  get executionResult(): string | undefined {
    return this.result;
  }

  startInvocation(pageSize?: number): DurableExecutionInvocationInput {
    if (this.ended) throw new Error("simulation bug: invocation of an execution that ended");
    this.token = this.newToken();
    this.invocationTokens = new Set([this.token]);
    const updated = [...this.dirty];
    this.dirty.clear();
    // Timestamps as the event carries them: ISO strings.
    this.snapshot = this.visible().map((op) => JSON.parse(JSON.stringify(op)) as Operation);
    const first = pageSize === undefined ? this.snapshot : this.snapshot.slice(0, Math.max(1, pageSize));
    return {
      DurableExecutionArn: this.arn,
      CheckpointToken: this.token,
      ...(updated.length > 0 && { UpdatedOperationIds: updated }),
      InitialExecutionState: { Operations: first, ...(first.length < this.snapshot.length && { NextMarker: String(first.length) }) },
    };
  }

  endInvocation(): void {
    this.token = undefined;
    this.invocationTokens.clear();
  }

  rotateToken(): void {
    if (this.token) this.token = this.newToken();
  }

  getExecutionState(request: GetExecutionStateRequest): ExecutionStatePage {
    if (!this.invocationTokens.has(request.CheckpointToken)) throw invalidToken();
    const start = Number(request.Marker);
    if (!Number.isInteger(start) || start < 0 || start > this.snapshot.length) throw new ServiceError("InvalidParameterValueException", 400, `Invalid marker ${request.Marker}`);
    const end = Math.min(this.snapshot.length, start + Math.min(request.MaxItems ?? 100, 1000));
    return { Operations: this.snapshot.slice(start, end), ...(end < this.snapshot.length && { NextMarker: String(end) }) };
  }

  checkpoint(request: CheckpointRequest): CheckpointResponse {
    this.requests++;
    if (this.ended) {
      this.violations.push(`checkpoint after the execution ended: ${describeUpdates(request.Updates)}`);
      throw invalidToken();
    }
    if (request.CheckpointToken === undefined || request.CheckpointToken !== this.token) throw invalidToken();
    const updates = request.Updates ?? [];
    const problem = checkRequest(updates, (id) => this.ops.get(id));
    if (problem) {
      this.violations.push(`the service rejected a request: ${problem}`);
      throw new ServiceError("InvalidParameterValueException", 400, problem);
    }
    for (const update of updates) this.apply(update);
    this.token = this.newToken();
    this.invocationTokens.add(this.token);
    const changed = [...this.dirty].map((id) => structuredClone(this.ops.get(id)!));
    this.dirty.clear();
    return { CheckpointToken: this.token, NewExecutionState: { Operations: changed } };
  }

  tick(seconds: number): void {
    this.advance(seconds);
  }

  advance(seconds: number): void {
    this.now += seconds * 1000;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.fire();
    }
  }

  advanceToNextTimer(): boolean {
    const next = this.timers.filter((t) => t.live()).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (!next) return false;
    this.advance(Math.max(0, (next.at - this.now) / 1000));
    return true;
  }

  finish(output: DurableExecutionInvocationOutput): void {
    this.ended = true;
    const execution = this.ops.get(EXECUTION_ID)!;
    execution.Status = output.Status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";
  }

  operations(): Operation[] {
    return [...this.ops.values()].filter((op) => op.Type !== "EXECUTION").map((op) => structuredClone(op));
  }

  private newToken(): string {
    return `sim-token-${++this.tokenCount}`;
  }

  private at(seconds: number, op: Operation, live: (op: Operation) => boolean, change: (op: Operation) => void): void {
    const fire = (): boolean => {
      if (!live(op)) return false;
      change(op);
      if (op.Status !== "READY") op.EndTimestamp = new Date(this.now);
      this.dirty.add(op.Id);
      return true;
    };
    this.timers.push({ at: this.now + seconds * 1000, seq: ++this.seq, fire, live: () => live(op) });
  }

  private apply(u: OperationUpdate): void {
    const date = new Date(this.now);
    if (u.Type === "EXECUTION") {
      // Any EXECUTION update is the execution's own, whatever its Id (the large-result path).
      const execution = this.ops.get(EXECUTION_ID)!;
      execution.Status = u.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED";
      this.result = u.Payload;
      this.ended = true;
      this.dirty.add(EXECUTION_ID);
      return;
    }
    let op = this.ops.get(u.Id);
    if (!op) {
      op = { Id: u.Id, Type: u.Type, Status: "STARTED", StartTimestamp: date };
      if (u.ParentId !== undefined) op.ParentId = u.ParentId;
      if (u.Name !== undefined) op.Name = u.Name;
      if (u.SubType !== undefined) op.SubType = u.SubType;
      this.ops.set(u.Id, op);
      if (u.Action === "START") this.started(op, u);
    }
    this.dirty.add(op.Id);
    switch (u.Action) {
      case "START":
        op.Status = "STARTED";
        return;
      case "SUCCEED":
      case "FAIL": {
        op.Status = u.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED";
        op.EndTimestamp = date;
        const outcome = { ...(u.Payload !== undefined && { Result: u.Payload }), ...(u.Error !== undefined && { Error: u.Error }) };
        if (u.Type === "STEP") op.StepDetails = { Attempt: (op.StepDetails?.Attempt ?? 0) + 1, ...outcome };
        else op.ContextDetails = { ...outcome, ...((u.ContextOptions?.ReplayChildren ?? op.ContextDetails?.ReplayChildren) && { ReplayChildren: true }) };
        return;
      }
      case "RETRY": {
        op.Status = "PENDING";
        const delay = u.StepOptions?.NextAttemptDelaySeconds ?? 0;
        op.StepDetails = {
          Attempt: (op.StepDetails?.Attempt ?? 0) + 1,
          NextAttemptTimestamp: new Date(this.now + delay * 1000),
          ...(u.Payload !== undefined && { Result: u.Payload }),
          ...(u.Error !== undefined && { Error: u.Error }),
        };
        this.at(delay, op, (o) => o.Status === "PENDING", (o) => (o.Status = "READY"));
        return;
      }
      case "CANCEL":
        op.Status = "CANCELLED";
        op.EndTimestamp = date;
        return;
    }
  }

  /** What starting an operation sets in motion: its timers. */
  private started(op: Operation, u: OperationUpdate): void {
    const stillStarted = (o: Operation) => o.Status === "STARTED";
    if (u.Type === "WAIT") {
      const seconds = u.WaitOptions?.WaitSeconds ?? 0;
      op.WaitDetails = { ScheduledEndTimestamp: new Date(this.now + seconds * 1000) };
      this.at(seconds, op, stillStarted, (o) => (o.Status = "SUCCEEDED"));
    } else if (u.Type === "CALLBACK") {
      op.CallbackDetails = { CallbackId: Buffer.from(JSON.stringify({ e: EXECUTION_ID, o: op.Id })).toString("base64url") };
      const parent = op.ParentId === undefined ? undefined : this.ops.get(op.ParentId);
      const plan = this.world.callback(op, parent);
      if (plan !== "never") {
        this.at(plan.afterSeconds, op, stillStarted, (o) => {
          o.Status = plan.error ? "FAILED" : "SUCCEEDED";
          o.CallbackDetails = { ...o.CallbackDetails, ...(plan.error ? { Error: plan.error } : { Result: plan.result ?? "" }) };
        });
      }
      const timeout = u.CallbackOptions?.TimeoutSeconds;
      if (timeout) this.at(timeout, op, stillStarted, (o) => timedOut(o, "Callback timed out"));
      const heartbeat = u.CallbackOptions?.HeartbeatTimeoutSeconds;
      if (heartbeat) this.at(heartbeat, op, stillStarted, (o) => timedOut(o, "Callback timed out on heartbeat"));
    } else if (u.Type === "CHAINED_INVOKE") {
      const outcome = this.world.invoke(u.ChainedInvokeOptions?.FunctionName ?? "", u.Payload);
      this.at(outcome.afterSeconds, op, stillStarted, (o) => {
        o.Status = outcome.error ? "FAILED" : "SUCCEEDED";
        o.ChainedInvokeDetails = outcome.error ? { Error: outcome.error } : { ...(outcome.result !== undefined && { Result: outcome.result }) };
      });
    } else if (u.Type === "CONTEXT" && u.ContextOptions?.ReplayChildren) {
      op.ContextDetails = { ReplayChildren: true };
    }
  }

  /** What the next invocation is handed: children of finished contexts are left out unless ReplayChildren. */
  private visible(): Operation[] {
    const hidden = (op: Operation): boolean => {
      for (let id = op.ParentId; id !== undefined; ) {
        const parent = this.ops.get(id);
        if (!parent) return false;
        if ((parent.Status === "SUCCEEDED" || parent.Status === "FAILED") && !parent.ContextDetails?.ReplayChildren) return true;
        id = parent.ParentId;
      }
      return false;
    };
    return [...this.ops.values()].filter((op) => !hidden(op));
  }
}

function timedOut(op: Operation, message: string): void {
  op.Status = "TIMED_OUT";
  op.CallbackDetails = { ...op.CallbackDetails, Error: { ErrorMessage: message } };
}

function invalidToken(): ServiceError {
  return new ServiceError("InvalidParameterValueException", 400, "Invalid checkpoint token");
}

function describeUpdates(updates: readonly OperationUpdate[] | undefined): string {
  return (updates ?? []).map((u) => `${u.Type} ${u.Action} ${u.Name ?? u.Id}`).join(", ") || "(no updates)";
}
