/**
 * One round trip per step (issue 14): an at-least-once step's START is held (checkpoint-batcher.ts) and
 * goes in one request with the step's outcome when the step ends within HOLD_MS, or alone when the
 * window passes, so a long step still shows as running; at-most-once steps keep START-before-run. And
 * the opt-in pipelined mode: a completed at-least-once step's SUCCEED is not awaited, so short steps
 * share requests, while the outcome still waits for every checkpoint. Against the in-memory service,
 * each request's updates as sent. Steps do real I/O (a timer), so START would go alone without the hold.
 * The histories stay the official SDK's: runtime-twins.test.ts ("steps doing I/O").
 */
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { StepSemantics, retryPresets, withDurableExecution } from "../runtime/index.ts";
import { CheckpointBatcher, HOLD_MS } from "../runtime/protocol/checkpoint-batcher.ts";
import { ExecutionState } from "../runtime/protocol/execution-state.ts";
import type { CheckpointRequest, OperationUpdate } from "../runtime/protocol/wire.ts";
import { ARN, MemoryClient } from "./support/memory-client.ts";

const io = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));
const sent = (service: MemoryClient) => service.requests.map((r) => (r.Updates ?? []).map((u) => `${u.Action} ${u.Name ?? u.Type}`));
const lambdaContext = {};

describe("a held START", () => {
  test("a quick at-least-once step costs one request: its START and SUCCEED, in that order", async () => {
    const service = new MemoryClient({});
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      let sum = 0;
      for (const name of ["a", "b", "c"]) sum += await ctx.step(name, async () => (await io(), 1));
      return sum;
    }, { durableExecutionClient: service });
    expect(await handler(service.event(), lambdaContext)).toEqual({ Status: "SUCCEEDED", Result: "3" });
    expect(sent(service)).toEqual([["START a", "SUCCEED a"], ["START b", "SUCCEED b"], ["START c", "SUCCEED c"]]);
  });

  test("a failed attempt sends its START with the RETRY", async () => {
    const service = new MemoryClient({});
    let calls = 0;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => ctx.step("flaky", async () => {
      await io();
      if (++calls === 1) throw new Error("not yet");
      return "ok";
    }, { retryStrategy: retryPresets.default }), { durableExecutionClient: service });
    await service.drive(handler);
    expect(sent(service)[0]).toEqual(["START flaky", "RETRY flaky"]);
  });

  test("a step longer than the window still shows as running: its START goes alone, while it runs", async () => {
    const service = new MemoryClient({});
    let requestsWhileRunning = -1;
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => ctx.step("slow", async () => {
      // The hold's timer was set before this one and is shorter, so it has fired by now.
      await io(HOLD_MS * 3);
      requestsWhileRunning = service.requests.length;
      return "done";
    }), { durableExecutionClient: service });
    await handler(service.event(), lambdaContext);
    expect(requestsWhileRunning).toBe(1);
    expect(sent(service)).toEqual([["START slow"], ["SUCCEED slow"]]);
  });

  test("an at-most-once step still runs only after its START is acknowledged", async () => {
    const service = new MemoryClient({});
    let acknowledgedBeforeRun = false;
    const checkpoint = service.checkpoint.bind(service);
    let acknowledged = 0;
    service.checkpoint = async (request: CheckpointRequest) => {
      const response = await checkpoint(request);
      acknowledged++;
      return response;
    };
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => ctx.step("once", async () => {
      acknowledgedBeforeRun = acknowledged === 1;
      await io();
      return 1;
    }, { semantics: StepSemantics.AtMostOncePerRetry }), { durableExecutionClient: service });
    await handler(service.event(), lambdaContext);
    expect(acknowledgedBeforeRun).toBe(true);
    expect(sent(service)).toEqual([["START once"], ["SUCCEED once"]]);
  });
});

describe("the batcher's held updates", () => {
  const update = (id: string, action: "START" | "SUCCEED" = "START"): OperationUpdate => ({ Id: id, Type: "STEP", SubType: "Step", Action: action, Name: id });
  const batcherOn = (service: MemoryClient) =>
    new CheckpointBatcher({ client: service, arn: ARN, token: service.event().CheckpointToken, state: new ExecutionState(), onFailure: () => {}, onClosed: () => {}, onIdle: () => {} });

  test("drain() sends held updates at once", async () => {
    const service = new MemoryClient({});
    const batcher = batcherOn(service);
    void batcher.enqueue(update("a"), true);
    await batcher.drain();
    expect(sent(service)).toEqual([["START a"]]);
  });

  test("a held update that fell due while a request was in flight goes right after it", async () => {
    const service = new MemoryClient({});
    service.latencyMs = HOLD_MS * 3; // the first request is still in flight when the hold ends
    const batcher = batcherOn(service);
    const first = batcher.enqueue(update("x"));
    await new Promise((resolve) => setImmediate(resolve)); // the first request has gone
    const held = batcher.enqueue(update("y"), true);
    await first;
    await new Promise((resolve) => setImmediate(resolve)); // no timer: it went as soon as x's answer came
    expect(sent(service)).toEqual([["START x"], ["START y"]]);
    await held;
  });
});

describe("pipelined checkpoints (opt-in)", () => {
  // Steps shorter than a round trip (no I/O): all of them finish while the first request is in flight.
  const steps = (n: number, after?: (i: number) => void) => async (_e: unknown, ctx: DurableContext) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += await ctx.step(`s${i}`, async () => i);
      after?.(i);
    }
    return sum;
  };

  test("N short steps share requests (250 updates each: START and SUCCEED of 125 steps), and every SUCCEED is in before the outcome", async () => {
    const n = 300;
    const service = new MemoryClient({});
    service.latencyMs = 5;
    const output = await withDurableExecution(steps(n), { durableExecutionClient: service, pipelinedCheckpoints: true })(service.event(), lambdaContext);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: String((n * (n - 1)) / 2) });
    const updates = sent(service).flat();
    expect(updates).toEqual(Array.from({ length: n }, (_, i) => [`START s${i}`, `SUCCEED s${i}`]).flat());
    expect(service.requests.map((r) => r.Updates!.length)).toEqual([250, 250, 100]);

    // Without the flag: a request per step.
    const plain = new MemoryClient({});
    plain.latencyMs = 5;
    await withDurableExecution(steps(20), { durableExecutionClient: plain })(plain.event(), lambdaContext);
    expect(plain.requests.length).toBe(20);
  });

  test("the code runs on before a SUCCEED is acknowledged; a checkpoint that then fails still fails the invocation", async () => {
    const service = new MemoryClient({});
    service.latencyMs = 5;
    let reached = -1;
    const checkpoint = service.checkpoint.bind(service);
    service.checkpoint = async (request: CheckpointRequest) => {
      if (request.Updates?.some((u) => u.Name === "s3" && u.Action === "SUCCEED")) throw Object.assign(new Error("Invalid parent operation id"), { $metadata: { httpStatusCode: 400 } });
      return checkpoint(request);
    };
    const output = await withDurableExecution(steps(10, (i) => (reached = i)), { durableExecutionClient: service, pipelinedCheckpoints: true })(service.event(), lambdaContext);
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "CheckpointError", ErrorMessage: expect.stringMatching(/HTTP 400/) } });
    expect(reached).toBeGreaterThanOrEqual(3); // s3's result was used before its checkpoint failed
  });

  test("an at-most-once step waits for everything before it", async () => {
    const service = new MemoryClient({});
    service.latencyMs = 5;
    let succeededBefore: string[] = [];
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      for (let i = 0; i < 5; i++) await ctx.step(`s${i}`, async () => (await io(0), i));
      return ctx.step("once", async () => {
        succeededBefore = service.updates().filter((u) => u.Action === "SUCCEED").map((u) => u.Name!);
        return "ok";
      }, { semantics: StepSemantics.AtMostOncePerRetry });
    }, { durableExecutionClient: service, pipelinedCheckpoints: true });
    expect(await handler(service.event(), lambdaContext)).toEqual({ Status: "SUCCEEDED", Result: '"ok"' });
    expect(succeededBefore).toEqual(["s0", "s1", "s2", "s3", "s4"]);
  });

  test("a pipelined run replays like any other", async () => {
    const service = new MemoryClient({});
    const body = async (_e: unknown, ctx: DurableContext) => {
      const a = await ctx.step("a", async () => (await io(0), 1));
      await ctx.wait("pause", { seconds: 5 });
      return a + (await ctx.step("b", async () => (await io(0), 2)));
    };
    const { output, invocations } = await service.drive(withDurableExecution(body, { durableExecutionClient: service, pipelinedCheckpoints: true }));
    expect(output).toEqual({ Status: "SUCCEEDED", Result: "3" });
    expect(invocations).toBe(2);
  });
});
