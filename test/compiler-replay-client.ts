/**
 * A minimal durable execution client for the compiler's replay checks: it starts from a given list of
 * operations (a prefix of a finished run), applies every checkpoint update the way the service does
 * for steps, waits and child contexts, and records the updates. Waits elapse only when told
 * (`elapseAll`, between invocations), so an invocation ends at the next wait (PENDING) or at the end
 * of the function.
 */
import type { CheckpointRequest, CheckpointResponse, ExecutionStatePage, Operation, OperationUpdate } from "../runtime/protocol/wire.ts";

export class ReplayClient {
  readonly updates: OperationUpdate[] = [];
  private readonly ops = new Map<string, Operation>();
  private token = 0;

  constructor(initial: readonly Operation[]) {
    for (const op of initial) this.ops.set(op.Id, op);
  }

  async checkpoint(request: CheckpointRequest): Promise<CheckpointResponse> {
    const changed: Operation[] = [];
    for (const update of request.Updates ?? []) {
      this.updates.push(update);
      changed.push(this.apply(update));
    }
    return { CheckpointToken: `replay-token-${++this.token}`, NewExecutionState: { Operations: changed } };
  }

  /** What the service holds now, for the next invocation's InitialExecutionState. */
  operations(): Operation[] {
    return [...this.ops.values()];
  }

  /** Time passes: every started wait has fired and every step retry is due. */
  elapseAll(): void {
    const now = new Date();
    for (const op of this.ops.values()) {
      if (op.Type === "WAIT" && op.Status === "STARTED") Object.assign(op, { Status: "SUCCEEDED", EndTimestamp: now });
      if (op.Type === "STEP" && op.Status === "PENDING") op.Status = "READY";
    }
  }

  async getExecutionState(): Promise<ExecutionStatePage> {
    return { Operations: [...this.ops.values()] };
  }

  private apply(u: OperationUpdate): Operation {
    const now = new Date();
    const base: Operation = this.ops.get(u.Id) ?? { Id: u.Id, Type: u.Type, Status: "STARTED", StartTimestamp: now, ...(u.ParentId ? { ParentId: u.ParentId } : {}), ...(u.Name ? { Name: u.Name } : {}), ...(u.SubType ? { SubType: u.SubType } : {}) };
    const op: Operation = { ...base };
    if (u.Action === "START") {
      op.Status = "STARTED";
      if (u.Type === "WAIT") op.WaitDetails = { ScheduledEndTimestamp: new Date(now.getTime() + (u.WaitOptions?.WaitSeconds ?? 1) * 1000) };
    } else if (u.Action === "SUCCEED" || u.Action === "FAIL") {
      op.Status = u.Action === "SUCCEED" ? "SUCCEEDED" : "FAILED";
      op.EndTimestamp = now;
      const outcome = u.Action === "SUCCEED" ? { Result: u.Payload } : { Error: u.Error };
      if (u.Type === "STEP") op.StepDetails = { Attempt: 1, ...outcome };
      if (u.Type === "CONTEXT") op.ContextDetails = { ...outcome, ...(u.ContextOptions?.ReplayChildren ? { ReplayChildren: true } : {}) };
    } else if (u.Action === "RETRY") {
      op.Status = "PENDING";
      op.StepDetails = { Attempt: (op.StepDetails?.Attempt ?? 0) + 1, NextAttemptTimestamp: new Date(now.getTime() + (u.StepOptions?.NextAttemptDelaySeconds ?? 1) * 1000) };
    }
    this.ops.set(op.Id, op);
    return op;
  }
}
