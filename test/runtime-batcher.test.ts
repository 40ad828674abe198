/**
 * The checkpoint batcher's rules, through the real handler where the rule is about the
 * invocation's outcome and directly where it is about requests.
 */
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { ErrorCode, retryPresets, withDurableExecution } from "../runtime/index.ts";
import { CheckpointBatcher, classifyCheckpointError } from "../runtime/protocol/checkpoint-batcher.ts";
import { ExecutionState } from "../runtime/protocol/execution-state.ts";
import type { CheckpointRequest, OperationUpdate } from "../runtime/protocol/wire.ts";
import { ARN, MemoryClient } from "./support/memory-client.ts";

const update = (i: number, extra: Partial<OperationUpdate> = {}): OperationUpdate => ({
  Id: `op-${i}`, Type: "STEP", SubType: "Step", Action: "START", ...extra,
});

function batcherOn(service: MemoryClient, events: string[] = []) {
  return new CheckpointBatcher({
    client: service, arn: ARN, token: service.event().CheckpointToken, state: new ExecutionState(),
    onFailure: (e) => events.push(`failure:${e.fatal}`),
    onClosed: (terminal) => events.push(`closed:${terminal}`),
    onIdle: () => events.push("idle"),
  });
}

describe("checkpoint batcher", () => {
  test("a poll is an empty request, rides on queued updates, and fails with the request", async () => {
    const service = new MemoryClient({});
    const events: string[] = [];
    const batcher = batcherOn(service, events);
    await batcher.poll();
    expect(service.requests.map((r) => r.Updates ?? [])).toEqual([[]]);
    await Promise.all([batcher.enqueue(update(1)), batcher.poll(), batcher.poll()]);
    expect(service.requests.map((r) => (r.Updates ?? []).map((u) => u.Id))).toEqual([[], ["op-1"]]);
    expect(events).toEqual(["idle", "idle"]);
    service.failures.push(Object.assign(new Error("boom"), { $metadata: { httpStatusCode: 500 } }));
    await expect(batcher.poll()).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED });
  });

  test("one request in flight; what is enqueued meanwhile goes in the next request with the rotated token", async () => {
    const service = new MemoryClient({});
    service.latencyMs = 20;
    let inFlight = 0;
    let maxInFlight = 0;
    const checkpoint = service.checkpoint.bind(service);
    service.checkpoint = async (request: CheckpointRequest) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await checkpoint(request);
      } finally {
        inFlight--;
      }
    };
    const batcher = batcherOn(service);
    const first = [batcher.enqueue(update(1)), batcher.enqueue(update(2))];
    await new Promise((r) => setTimeout(r, 5));
    const second = [batcher.enqueue(update(3)), batcher.enqueue(update(4)), batcher.enqueue(update(5))];
    await Promise.all([...first, ...second]);
    expect(maxInFlight).toBe(1);
    expect(service.requests.map((r) => r.Updates!.map((u) => u.Id))).toEqual([["op-1", "op-2"], ["op-3", "op-4", "op-5"]]);
    // the memory service accepts each token once: the second request used the first response's token
    expect(service.requests[1]!.CheckpointToken).not.toBe(service.requests[0]!.CheckpointToken);
  });

  test("an EXECUTION update is the last of its request", async () => {
    const service = new MemoryClient({});
    const batcher = batcherOn(service);
    await Promise.all([
      batcher.enqueue(update(1)),
      batcher.enqueue({ Id: "x", Type: "EXECUTION", Action: "SUCCEED", Payload: "1" }),
      batcher.enqueue(update(2)),
    ]);
    expect(service.requests.map((r) => r.Updates!.map((u) => u.Id))).toEqual([["op-1", "x"], ["op-2"]]);
  });

  test("a request is cut before it would pass ~750 KiB", async () => {
    const service = new MemoryClient({});
    const batcher = batcherOn(service);
    const payload = "p".repeat(200 * 1024);
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.enqueue(update(i, { Action: "SUCCEED", Payload: payload }))));
    expect(service.requests.map((r) => r.Updates!.length)).toEqual([3, 2]);
  });

  test("on failure every queued and in-flight promise rejects and the failure is reported once", async () => {
    const service = new MemoryClient({});
    service.latencyMs = 10;
    service.failures = [Object.assign(new Error("boom"), { $metadata: { httpStatusCode: 500 } })];
    const events: string[] = [];
    const batcher = batcherOn(service, events);
    const inFlight = batcher.enqueue(update(1));
    await new Promise((r) => setTimeout(r, 2));
    const queued = batcher.enqueue(update(2));
    const results = await Promise.allSettled([inFlight, queued, batcher.drain()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(events).toEqual(["failure:invocation"]);
    await expect(batcher.enqueue(update(3))).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED });
  });

  test("classification: stale token (any case), 429, 5xx and network errors retry the invocation; other 4xx fail the execution", () => {
    const err = (message: string, status?: number, name?: string) =>
      Object.assign(new Error(message), name ? { name } : {}, status ? { $metadata: { httpStatusCode: status } } : {});
    expect(classifyCheckpointError(err("Invalid checkpoint token", 400)).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("Invalid Checkpoint Token: expired", 400)).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("Rate exceeded", 429)).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("slow down", undefined, "TooManyRequestsException")).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("oops", 503)).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("socket hang up")).fatal).toBe("invocation");
    expect(classifyCheckpointError(err("STEP output payload size must be less than or equal to 262144 bytes", 400)).fatal).toBe("execution");
    expect(classifyCheckpointError(err("KMS key disabled", 403)).fatal).toBe("execution");
  });

  test("a rejected update (4xx) fails the execution; a stale token throws so Lambda retries the invocation", async () => {
    const handler = (service: MemoryClient) =>
      withDurableExecution(async (_e, ctx: DurableContext) => ctx.step("s", async () => 1), { durableExecutionClient: service });
    const rejected = new MemoryClient({});
    rejected.failures = [Object.assign(new Error("Invalid parent"), { $metadata: { httpStatusCode: 400 } })];
    const output = await handler(rejected)(rejected.event(), {});
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "CheckpointError" } });

    const stale = new MemoryClient({});
    stale.failures = [Object.assign(new Error("Invalid checkpoint token"), { $metadata: { httpStatusCode: 400 } })];
    await expect(handler(stale)(stale.event(), {})).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation" });
  });

  // Java SDK #51: a failed request ends the invocation at once, not when some operation next awaits
  // the batcher (here the failed START was fire-and-forget and the step body is still running).
  test("a failed fire-and-forget update ends the invocation at once, without waiting for running work", async () => {
    const service = new MemoryClient({});
    service.failures = [Object.assign(new Error("Service unavailable"), { $metadata: { httpStatusCode: 503 } })];
    let bodyFinished = false;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) =>
      ctx.step("slow", () => new Promise((r) => setTimeout(() => r((bodyFinished = true)), 300))), { durableExecutionClient: service });
    await expect(handler(service.event(), {})).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation" });
    expect(bodyFinished).toBe(false);
    expect(service.requests.map((r) => r.Updates!.map((u) => u.Action))).toEqual([["START"]]);
  });

  test("a response without a token ends checkpointing: later updates are not sent and the invocation returns PENDING", async () => {
    const service = new MemoryClient({});
    service.omitTokenOnce = true;
    let secondBody = 0;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      await ctx.step("first", async () => 1);
      await ctx.step("second", async () => ++secondBody);
      return "done";
    }, { durableExecutionClient: service });
    const output = await handler(service.event(), {});
    expect(output).toEqual({ Status: "PENDING" });
    expect(service.requests.length).toBe(1);
    expect(secondBody).toBe(0);
  });

  test("everything a handler enqueues in one tick goes in one request; the handler waits for fire-and-forget updates", async () => {
    const service = new MemoryClient({});
    const handler = withDurableExecution(async (_e, ctx: DurableContext) =>
      Promise.all(Array.from({ length: 300 }, (_, i) => ctx.runInChildContext(`c${i}`, async () => i))),
    { durableExecutionClient: service });
    const output = await handler(service.event(), {});
    expect(output.Status).toBe("SUCCEEDED");
    // 300 STARTs in one tick: the first request takes 250; the other 50 wait with the SUCCEEDs
    // that arrive while it is in flight, and later requests fill up to the cap again
    expect(service.requests.map((r) => r.Updates!.length)).toEqual([250, 250, 100]);
    expect(service.updates().filter((u) => u.Action === "SUCCEED")).toHaveLength(300);
  });

  // JS SDK #492: the last change before a suspension can be a request completing (here the step's
  // SUCCEED, in flight when the step body ended), so suspension is re-checked when the queue drains.
  test("a wait beside a slow step suspends once the step's SUCCEED is acknowledged (re-check on drain)", async () => {
    const service = new MemoryClient({});
    service.latencyMs = 5;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      await Promise.all([ctx.wait("w", { seconds: 5 }), ctx.step("s", () => new Promise((r) => setTimeout(() => r(1), 10)))]);
      return "done";
    }, { durableExecutionClient: service });
    const answered = await Promise.race([handler(service.event(), {}), new Promise((r) => setTimeout(() => r("no answer within 1 s"), 1000))]);
    expect(answered).toEqual({ Status: "PENDING" });
    expect(service.updates().map((u) => `${u.Name} ${u.Action}`)).toEqual(["w START", "s START", "s SUCCEED"]);
  });

  // Section 7 of the protocol notes (SDK 2.4.0 kept running): when the last running work is a step
  // whose result is dropped (its context already finished), no request follows it, so the end of
  // the step body itself must re-check suspension.
  test("a wait suspends once an orphaned step's body ends, though that step sends nothing", async () => {
    const service = new MemoryClient({});
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      await ctx.runInChildContext("fast", async (c) => {
        void c.step("slow", () => new Promise((r) => setTimeout(() => r(1), 20)));
        return "early";
      });
      await ctx.wait("w", { seconds: 5 });
      return "done";
    }, { durableExecutionClient: service });
    const answered = await Promise.race([handler(service.event(), {}), new Promise((r) => setTimeout(() => r("no answer within 1 s"), 1000))]);
    expect(answered).toEqual({ Status: "PENDING" });
    expect(service.updates().map((u) => `${u.Name} ${u.Action}`)).toEqual(["fast START", "slow START", "fast SUCCEED", "w START"]);
  });

  test("a step payload over 256 KiB is a coded execution failure, never a retry loop", async () => {
    const service = new MemoryClient({});
    let bodies = 0;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) =>
      ctx.step("huge", async () => {
        bodies++;
        return "h".repeat(300 * 1024);
      }, { retryStrategy: retryPresets.default }), { durableExecutionClient: service });
    const output = await handler(service.event(), {});
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "PayloadTooLargeError" } });
    expect((output as { Error: { ErrorMessage: string } }).Error.ErrorMessage).toMatch(/"huge".*307202 bytes.*262144/);
    expect(bodies).toBe(1);
    // the queued START is dropped with the invocation; above all nothing retries
    expect(service.updates().map((u) => u.Action)).not.toContain("RETRY");
    expect(service.updates().map((u) => u.Action)).not.toContain("SUCCEED");
  });
});
