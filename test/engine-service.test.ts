/**
 * The service's semantics on its own (no handler, no HTTP): tokens, validation, each type's
 * transitions, timers, callbacks, NewExecutionState, ReplayChildren pruning and paging,
 * invocation answers and retries, names, stop and timeout. Driven through DurableService with an
 * in-memory store and a clock the test moves.
 */
import { describe, expect, test } from "vitest";
import type { OperationUpdate } from "../runtime/protocol/wire.ts";
import { DurableService } from "../engine/service/service.ts";
import type { Clock } from "../engine/service/clock.ts";
import { Store } from "../engine/store/store.ts";

const functions = { describe: (name: string) => (name === "fn" || name === "child" ? { name, durable: true, executionTimeoutSeconds: 3600 } : undefined) };

/** A clock only the test moves, so no assertion depends on how fast the machine is. */
function manualClock(): Clock {
  let now = Date.UTC(2026, 0, 1);
  return { skipping: true, now: () => now, jumpTo: (ms) => void (now = Math.max(now, ms)) };
}

function setup(retry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 }) {
  const clock = manualClock();
  const service = new DurableService(new Store(":memory:"), clock, { region: "us-east-1", statePageSize: 1000, retry, functions });
  const { execution } = service.startExecution({ functionName: "fn", input: '{"n":1}', timeoutSeconds: 3600 });
  const arn = execution.arn;
  const invocation = service.beginInvocation(arn, "inv-1")!;
  let token = invocation.checkpointToken;
  const send = (...updates: OperationUpdate[]) => {
    const response = service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: token, Updates: updates });
    token = response.CheckpointToken!;
    return response;
  };
  const history = () => service.getHistory({ DurableExecutionArn: arn, MaxItems: 1000 }).Events.map((e) => [e.EventType, e.Name]);
  return { service, clock, arn, invocation, send, history, token: () => token };
}

const step = (id: string, Action: OperationUpdate["Action"], extra: Partial<OperationUpdate> = {}): OperationUpdate => ({ Id: id, Type: "STEP", SubType: "Step", Action, Name: id, ...extra });

describe("checkpoint tokens", () => {
  test("each checkpoint consumes its token: a reused or made-up one is the service's Invalid checkpoint token", () => {
    const { service, arn, invocation, send } = setup();
    send(step("a", "START"));
    for (const stale of [invocation.checkpointToken, "made-up", ""]) {
      expect(() => service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: stale, Updates: [] })).toThrow(
        expect.objectContaining({ name: "InvalidParameterValueException", message: "Invalid checkpoint token" }),
      );
    }
  });

  test("a retried request with the same ClientToken gets the same answer; a new request with that token does not", () => {
    const { service, arn, invocation } = setup();
    const request = { DurableExecutionArn: arn, CheckpointToken: invocation.checkpointToken, ClientToken: "c-1", Updates: [step("a", "START")] };
    const first = service.checkpoint(request);
    const again = service.checkpoint(request);
    expect(again.CheckpointToken).toBe(first.CheckpointToken);
    expect(again.NewExecutionState.Operations.map((o) => o.Id)).toEqual(["a"]);
    expect(service.getHistory({ DurableExecutionArn: arn }).Events.filter((e) => e.EventType === "StepStarted")).toHaveLength(1);
    expect(() => service.checkpoint({ ...request, ClientToken: "c-2" })).toThrow("Invalid checkpoint token");
  });

  test("no token is valid between invocations, and a new invocation's token is the only one", () => {
    const { service, clock, arn, send, token } = setup();
    send({ Id: "w", Type: "WAIT", SubType: "Wait", Action: "START", WaitOptions: { WaitSeconds: 5 } });
    const last = token();
    expect(service.endInvocation(arn, "inv-1", { output: { Status: "PENDING" } })).toBe(true);
    expect(() => service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: last, Updates: [] })).toThrow("Invalid checkpoint token");
    clock.jumpTo(clock.now() + 5000);
    service.fireDueTimers();
    const next = service.beginInvocation(arn, "inv-2")!;
    expect(next.checkpointToken).not.toBe(last);
    expect(() => service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: last, Updates: [] })).toThrow("Invalid checkpoint token");
    expect(service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: next.checkpointToken, Updates: [] }).CheckpointToken).toBeDefined();
  });
});

describe("group commit", () => {
  test("requests committed together are each all or nothing: a refused one leaves no write, the others stand", () => {
    const { service, arn, token, history } = setup();
    const other = service.startExecution({ functionName: "fn", input: "2", timeoutSeconds: 3600 }).execution.arn;
    const otherToken = service.beginInvocation(other, "inv-o")!.checkpointToken;
    const [ok, refused, stale] = service.checkpointGroup([
      { DurableExecutionArn: arn, CheckpointToken: token(), Updates: [step("a", "START"), step("a", "SUCCEED", { Payload: "1" })] },
      { DurableExecutionArn: other, CheckpointToken: otherToken, Updates: [step("b", "START"), step("b", "FAIL", { Payload: "not allowed" })] },
      { DurableExecutionArn: arn, CheckpointToken: token(), Updates: [step("c", "START")] },
    ]);
    expect(ok).toMatchObject({ value: { NewExecutionState: { Operations: [expect.objectContaining({ Id: "a", Status: "SUCCEEDED" })] } } });
    expect(refused).toMatchObject({ error: expect.objectContaining({ message: "Cannot provide a Payload for FAIL action." }) });
    expect(stale).toMatchObject({ error: expect.objectContaining({ message: "Invalid checkpoint token" }) });
    expect(history().map(([type]) => type)).toEqual(["ExecutionStarted", "StepStarted", "StepSucceeded"]);
    expect(service.getHistory({ DurableExecutionArn: other }).Events.map((e) => e.EventType)).toEqual(["ExecutionStarted"]);
    // The refused request did not consume its token.
    expect(service.checkpoint({ DurableExecutionArn: other, CheckpointToken: otherToken, Updates: [] }).CheckpointToken).toBeDefined();
  });
});

describe("validation", () => {
  const cases: Array<[string, OperationUpdate[], RegExp]> = [
    ["two EXECUTION updates", [{ Id: "e", Type: "EXECUTION", Action: "SUCCEED" }, { Id: "e2", Type: "EXECUTION", Action: "SUCCEED" }], /multiple EXECUTION/],
    ["EXECUTION not last", [{ Id: "e", Type: "EXECUTION", Action: "SUCCEED" }, step("a", "START")], /must be the last update/],
    ["bad id", [step("has space", "START")], /Id "has space" must be 1 to 64/],
    ["long name", [step("a", "START", { Name: "x".repeat(257) })], /Name must be 1 to 256/],
    ["same id twice", [step("a", "SUCCEED"), step("a", "SUCCEED")], /same operation twice/],
    ["unknown parent", [step("a", "START", { ParentId: "nope" })], /Invalid parent operation id/],
    ["a step as parent", [step("p", "START"), step("a", "START", { ParentId: "p" })], /Invalid parent operation id/],
    ["action of another type", [{ Id: "w", Type: "WAIT", Action: "SUCCEED" }], /Invalid action for the given operation type/],
    ["RETRY without StepOptions", [step("a", "RETRY")], /Invalid StepOptions/],
    ["RETRY with both", [step("a", "RETRY", { StepOptions: {}, Payload: "1", Error: { ErrorMessage: "x" } })], /both error and payload/],
    ["FAIL with a payload", [step("a", "FAIL", { Payload: "1" })], /Payload for FAIL/],
    ["error over 32 KiB", [step("a", "FAIL", { Error: { ErrorMessage: "x".repeat(33_000) } })], /Error object size must be less than 32768/],
    ["payload over 256 KiB", [step("a", "SUCCEED", { Payload: "x".repeat(262_145) })], /STEP output payload size must be less than or equal to 262144/],
    ["cancel a wait that never started", [{ Id: "w", Type: "WAIT", Action: "CANCEL" }], /Cannot cancel a WAIT/],
  ];
  test.each(cases)("%s is refused and nothing of the request is written", (_label, updates, message) => {
    const { service, arn, token, history } = setup();
    expect(() => service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: token(), Updates: updates })).toThrow(message);
    expect(history()).toEqual([["ExecutionStarted", undefined]]);
    // The token was not consumed by the refused request.
    expect(service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: token(), Updates: [] }).CheckpointToken).toBeDefined();
  });

  test("the status machine: a started context cannot start again, a succeeded step cannot close again", () => {
    const { send } = setup();
    send({ Id: "c", Type: "CONTEXT", Action: "START" }, step("a", "SUCCEED"));
    expect(() => send({ Id: "c", Type: "CONTEXT", Action: "START" })).toThrow("Cannot start a CONTEXT that already exists.");
    expect(() => send(step("a", "SUCCEED"))).toThrow("Invalid current STEP state to close.");
    expect(() => send(step("a", "START"))).toThrow("Invalid current STEP state to start.");
  });
});

describe("operations", () => {
  test("a step retried with a delay is PENDING until its timer makes it READY; START then makes it STARTED", () => {
    const { service, clock, arn, send } = setup();
    const retried = send(step("a", "START"), step("a", "RETRY", { Error: { ErrorMessage: "boom" }, StepOptions: { NextAttemptDelaySeconds: 5 } }));
    const op = retried.NewExecutionState.Operations[0]!;
    expect(op).toMatchObject({ Status: "PENDING", StepDetails: { Attempt: 1, Error: { ErrorMessage: "boom" } } });
    expect(op.StepDetails!.NextAttemptTimestamp).toBe(op.StartTimestamp! + 5000);
    service.endInvocation(arn, "inv-1", { output: { Status: "PENDING" } });
    expect(service.fireDueTimers()).toBe(0);
    clock.jumpTo(service.nextTimer()!.dueMs);
    expect(service.fireDueTimers()).toBe(1);
    expect(service.readyExecutions(10).map((e) => e.arn)).toEqual([arn]);
    const next = service.beginInvocation(arn, "inv-2")!;
    expect(next.updatedOperationIds).toEqual(["a"]);
    expect(next.operations.find((o) => o.Id === "a")?.Status).toBe("READY");
    const started = service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: next.checkpointToken, Updates: [step("a", "START")] });
    expect(started.NewExecutionState.Operations[0]).toMatchObject({ Status: "STARTED", StepDetails: { Attempt: 1 } });
  });

  test("a callback: a base64 id of 192 bits, answered once, then CallbackTimeoutException; unknown and malformed ids", () => {
    const { service, send, history } = setup();
    const started = send({ Id: "cb", Type: "CALLBACK", SubType: "Callback", Action: "START", Name: "approve", CallbackOptions: { TimeoutSeconds: 60 } });
    const callbackId = started.NewExecutionState.Operations[0]!.CallbackDetails!.CallbackId!;
    expect(callbackId).toMatch(/^[A-Za-z0-9+/]{32}$/);
    service.sendCallbackSuccess(callbackId, '"yes"');
    expect(() => service.sendCallbackSuccess(callbackId, '"again"')).toThrow(expect.objectContaining({ name: "CallbackTimeoutException" }));
    expect(() => service.sendCallbackFailure("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY")).toThrow(expect.objectContaining({ name: "ResourceNotFoundException" }));
    expect(() => service.sendCallbackHeartbeat("not base64!")).toThrow(expect.objectContaining({ name: "InvalidParameterValueException" }));
    expect(history().map(([type]) => type)).toEqual(["ExecutionStarted", "CallbackStarted", "CallbackSucceeded"]);
    // Answered during the invocation: the next checkpoint response carries it.
    const next = send();
    expect(next.NewExecutionState.Operations).toEqual([expect.objectContaining({ Id: "cb", Status: "SUCCEEDED", CallbackDetails: { CallbackId: callbackId, Result: '"yes"' } })]);
  });

  test("a heartbeat restarts the heartbeat timeout; without one the callback times out", () => {
    const { service, clock, send } = setup();
    const started = send({ Id: "cb", Type: "CALLBACK", Action: "START", CallbackOptions: { TimeoutSeconds: 3600, HeartbeatTimeoutSeconds: 10 } });
    const callbackId = started.NewExecutionState.Operations[0]!.CallbackDetails!.CallbackId!;
    const t0 = clock.now();
    clock.jumpTo(t0 + 8000);
    service.sendCallbackHeartbeat(callbackId);
    clock.jumpTo(t0 + 15_000);
    expect(service.fireDueTimers()).toBe(0);
    clock.jumpTo(t0 + 19_000);
    expect(service.fireDueTimers()).toBe(1);
    expect(send().NewExecutionState.Operations[0]).toMatchObject({ Status: "TIMED_OUT", CallbackDetails: { Error: { ErrorMessage: "Callback timed out on heartbeat" } } });
  });

  test("an EXECUTION update ends the execution: no token comes back and the old one is dead", () => {
    const { service, arn, token } = setup();
    const response = service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: token(), Updates: [{ Id: "x", Type: "EXECUTION", Action: "SUCCEED", Payload: '"big"' }] });
    expect(response.CheckpointToken).toBeUndefined();
    expect(service.getExecution(arn)).toMatchObject({ Status: "SUCCEEDED", Result: '"big"' });
    expect(() => service.checkpoint({ DurableExecutionArn: arn, CheckpointToken: token(), Updates: [] })).toThrow("Invalid checkpoint token");
    // The invocation's own answer is then ignored, after its InvocationCompleted.
    service.endInvocation(arn, "inv-1", { output: { Status: "SUCCEEDED", Result: "" } });
    expect(service.getExecution(arn).Result).toBe('"big"');
  });
});

describe("state", () => {
  test("children of a completed context are pruned unless it replays them, recursively; pages follow markers", () => {
    const { service, arn, send } = setup();
    send(
      { Id: "c1", Type: "CONTEXT", Action: "START" },
      step("c1a", "SUCCEED", { ParentId: "c1" }),
      { Id: "c1b", Type: "CONTEXT", Action: "START", ParentId: "c1" },
      step("c1b1", "SUCCEED", { ParentId: "c1b" }),
      { Id: "c2", Type: "CONTEXT", Action: "START" },
      step("c2a", "SUCCEED", { ParentId: "c2" }),
    );
    send({ Id: "c1b", Type: "CONTEXT", Action: "SUCCEED", ParentId: "c1", ContextOptions: { ReplayChildren: true } });
    send({ Id: "c1", Type: "CONTEXT", Action: "SUCCEED" }, { Id: "c2", Type: "CONTEXT", Action: "SUCCEED", ContextOptions: { ReplayChildren: true } });
    service.endInvocation(arn, "inv-1", { output: { Status: "PENDING" } });
    expect(service.getExecution(arn).Status).toBe("FAILED"); // nothing pending
    const next = setup();
    next.send({ Id: "c", Type: "CONTEXT", Action: "START" }, step("s", "SUCCEED", { ParentId: "c" }));
    next.send({ Id: "c", Type: "CONTEXT", Action: "SUCCEED" }, { Id: "w", Type: "WAIT", Action: "START", WaitOptions: { WaitSeconds: 1 } });
    const state = next.service.getExecutionState({ DurableExecutionArn: next.arn, CheckpointToken: next.invocation.checkpointToken });
    expect(state.Operations.map((o) => o.Id)).toEqual([state.Operations[0]!.Id, "c", "w"]);
  });

  test("ReplayChildren keeps a context's children; MaxItems pages with NextMarker; 1,001 is refused", () => {
    const { service, arn, invocation, send } = setup();
    const ids = Array.from({ length: 5 }, (_, i) => `s${i}`);
    send({ Id: "c", Type: "CONTEXT", Action: "START" }, ...ids.map((id) => step(id, "SUCCEED", { ParentId: "c" })));
    send({ Id: "c", Type: "CONTEXT", Action: "SUCCEED", ContextOptions: { ReplayChildren: true } });
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = service.getExecutionState({ DurableExecutionArn: arn, CheckpointToken: invocation.checkpointToken, MaxItems: 2, Marker: marker });
      seen.push(...page.Operations.map((o) => o.Id));
      marker = page.NextMarker;
    } while (marker);
    expect(seen.slice(1)).toEqual(["c", ...ids]);
    expect(() => service.getExecutionState({ DurableExecutionArn: arn, CheckpointToken: invocation.checkpointToken, MaxItems: 1001 })).toThrow(/MaxItems/);
    expect(() => service.getExecutionState({ DurableExecutionArn: arn, CheckpointToken: invocation.checkpointToken, Marker: "bogus" })).toThrow(/Marker/);
  });
});

describe("invocations", () => {
  test("PENDING with a change not yet delivered is invoked again at once, with its id", () => {
    const { service, arn, send } = setup();
    const cb = send({ Id: "cb", Type: "CALLBACK", Action: "START" }).NewExecutionState.Operations[0]!.CallbackDetails!.CallbackId!;
    service.sendCallbackSuccess(cb, "ok");
    expect(service.readyExecutions(5)).toEqual([]); // an invocation is running: it may still see it
    service.endInvocation(arn, "inv-1", { output: { Status: "PENDING" } });
    expect(service.readyExecutions(5).map((e) => e.arn)).toEqual([arn]);
    expect(service.beginInvocation(arn, "inv-2")!.updatedOperationIds).toEqual(["cb"]);
  });

  test("failed invocations back off and are retried, then fail the execution with the reason", () => {
    const { service, clock, arn } = setup({ maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 30_000 });
    service.endInvocation(arn, "inv-1", { failure: { ErrorType: "Runtime.ExitError", ErrorMessage: "Runtime exited with error: exit status 1" } });
    expect(service.getExecution(arn).Status).toBe("RUNNING");
    expect(service.nextTimer()).toMatchObject({ kind: "invoke-retry", dueMs: clock.now() + 1000 });
    clock.jumpTo(clock.now() + 1000);
    service.fireDueTimers();
    service.beginInvocation(arn, "inv-2");
    service.endInvocation(arn, "inv-2", { output: "not an output" });
    expect(service.getExecution(arn)).toMatchObject({
      Status: "FAILED",
      Error: { ErrorType: "Runtime.InvalidOutput", ErrorMessage: expect.stringMatching(/^Invocation failed 2 times in a row: The handler answered "not an output"/) },
    });
    const events = service.getHistory({ DurableExecutionArn: arn }).Events;
    expect(events.map((e) => e.EventType)).toEqual(["ExecutionStarted", "InvocationCompleted", "InvocationCompleted", "ExecutionFailed"]);
  });
});

describe("executions", () => {
  test("a name is idempotent for the same payload and a conflict for another; stop; timeout", () => {
    const { service, clock } = setup();
    const a = service.startExecution({ functionName: "fn", executionName: "order-1", input: "1", timeoutSeconds: 10 });
    expect(service.startExecution({ functionName: "fn", executionName: "order-1", input: "1", timeoutSeconds: 10 })).toMatchObject({ created: false });
    expect(() => service.startExecution({ functionName: "fn", executionName: "order-1", input: "2", timeoutSeconds: 10 })).toThrow(
      expect.objectContaining({ name: "DurableExecutionAlreadyStartedException" }),
    );
    expect(a.execution.arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:fn:\$LATEST\/durable-execution\/order-1\/[0-9a-f-]{36}$/);
    const b = service.startExecution({ functionName: "fn", input: "2", timeoutSeconds: 3600 });
    service.stopExecution(b.execution.arn, { ErrorMessage: "enough" });
    expect(() => service.stopExecution(b.execution.arn)).toThrow(/not running/);
    clock.jumpTo(clock.now() + 10_000);
    service.fireDueTimers();
    expect(service.getExecution(a.execution.arn).Status).toBe("TIMED_OUT");
    const list = service.listExecutions({ FunctionName: "fn", Statuses: ["STOPPED", "TIMED_OUT"] });
    expect(list.DurableExecutions.map((e) => e.Status).sort()).toEqual(["STOPPED", "TIMED_OUT"]);
    expect(() => service.listExecutions({ FunctionName: "nope" })).toThrow(expect.objectContaining({ name: "ResourceNotFoundException" }));
  });
});
