/**
 * use-durable/testing beyond what the two-backend harness covers: a source file compiled for the
 * test ({ file, export }), typed results, skipped time skipping a 4-day callback timeout and an
 * invocation's retry backoff, a throwing handler retried then failed with the reason, the official
 * SDK's handlers, print() and reset().
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { withDurableExecution as officialDurable } from "@aws/durable-execution-sdk-js";
import { withDurableExecution } from "../runtime/index.ts";
import { LocalDurableTestRunner, WaitingOperationStatus } from "../engine/testing/index.ts";
import type { Decision } from "./engine-fixtures/approval.ts";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const at = (events: Array<{ EventType?: string; EventTimestamp?: Date }>, type: string) => events.find((e) => e.EventType === type)?.EventTimestamp?.getTime() ?? NaN;

describe("a source file compiled by the runner", () => {
  const runner = new LocalDurableTestRunner<Decision>({ file: "test/engine-fixtures/approval.ts", export: "approve" });

  test("runs the compiled durable function: steps, an approval answered from the test, a day's wait skipped", async () => {
    const approval = runner.getOperation("waitForCallback");
    const answered = approval.waitForData(WaitingOperationStatus.SUBMITTED).then((op) => op.sendCallbackSuccess("yes"));
    const result = await runner.run({ payload: { id: "e-1", cents: 4200 } });
    await answered;
    expect(result.getStatus()).toBe("SUCCEEDED");
    expect(result.getResult()).toEqual({ id: "e-1", approved: true, paidCents: 4200 });
    expect(runner.getOperation("audit").getStepDetails()?.result).toBe("audit-e-1");
    expect(approval.getCallbackDetails()?.result).toBe("yes");
    const events = result.getHistoryEvents();
    expect(at(events, "WaitSucceeded") - at(events, "WaitStarted")).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  test("skips a 4-day callback timeout nobody answers", async () => {
    runner.reset();
    const result = await runner.run({ payload: { id: "e-2", cents: 1 } });
    expect(result.getStatus()).toBe("FAILED");
    expect(result.getError()).toMatchObject({ errorType: "CallbackTimeoutError", errorMessage: "Callback timed out" });
    const events = result.getHistoryEvents();
    expect(at(events, "CallbackTimedOut") - at(events, "CallbackStarted")).toBeGreaterThanOrEqual(4 * 24 * 3600 * 1000);
  });

  test("a file that does not export the handler is a clear error", async () => {
    const missing = new LocalDurableTestRunner({ file: "test/engine-fixtures/approval.ts", export: "nope" });
    await expect(missing.run()).rejects.toMatchObject({ code: "UD_TEST_SOURCE", message: expect.stringMatching(/no function export named nope \(it exports: approve/) });
  });
});

describe("handlers that fail", () => {
  test("a handler that throws is retried with backoff (skipped), then the execution fails with the reason", async () => {
    let calls = 0;
    const runner = new LocalDurableTestRunner({
      handlerFunction: async () => {
        calls++;
        throw new TypeError("database unreachable");
      },
    });
    const result = await runner.run();
    expect(calls).toBe(3);
    expect(result.getStatus()).toBe("FAILED");
    expect(result.getError()).toMatchObject({ errorType: "TypeError", errorMessage: "Invocation failed 3 times in a row: database unreachable" });
    expect(result.getInvocations().map((i) => i.error?.errorMessage)).toEqual(["database unreachable", "database unreachable", "database unreachable"]);
    const events = result.getHistoryEvents().map((e) => e.EventType);
    expect(events).toEqual(["ExecutionStarted", "InvocationCompleted", "InvocationCompleted", "InvocationCompleted", "ExecutionFailed"]);
  });

  test("an answer that is not a durable output is a failed invocation with a message that says why", async () => {
    const runner = new LocalDurableTestRunner({ handlerFunction: async () => ({ ok: true }) });
    const result = await runner.run();
    expect(result.getError().errorMessage).toMatch(/answered \{"ok":true\}, which is not a durable invocation output.*withDurableExecution or compiled with "use durable"/);
  });
});

describe("the official SDK on our runner", () => {
  test("its handler takes the injected client: steps, a wait, a callback, a chained invoke", async () => {
    const runner = new LocalDurableTestRunner({
      handlerFunction: officialDurable(async (event: { n: number }, ctx) => {
        const doubled = await ctx.step("double", async () => event.n * 2);
        await ctx.wait("nap", { hours: 2 });
        const [answer] = await ctx.createCallback("approval");
        const tripled = await ctx.invoke<{ n: number }, number>("triple", "triple-fn", { n: doubled });
        return { doubled, approved: await answer, tripled };
      }),
    });
    runner.registerFunction("triple-fn", async (event: { n: number }) => event.n * 3);
    const answered = runner.getOperation("approval").waitForData().then((op) => op.sendCallbackSuccess("ok"));
    const result = await runner.run({ payload: { n: 7 } });
    await answered;
    expect(result.getResult()).toEqual({ doubled: 14, approved: "ok", tripled: 42 });
    expect(runner.getOperation("nap").getWaitDetails()).toMatchObject({ waitSeconds: 7200 });
    expect(runner.getOperation("triple").getChainedInvokeDetails()).toEqual({ result: 42 });
    expect(result.getOperations({ status: "SUCCEEDED" }).map((op) => op.getName())).toEqual(["double", "nap", "approval", "triple"]);
  });
});

test("fake timers installed by the test (vi.useFakeTimers) do not stall the runner", async () => {
  vi.useFakeTimers();
  try {
    const runner = new LocalDurableTestRunner({
      handlerFunction: withDurableExecution(async (_e, ctx) => {
        const a = await ctx.step("a", async () => 1);
        await ctx.wait("nap", { hours: 5 });
        return a + 1;
      }),
    });
    const result = await runner.run();
    expect(result.getResult()).toBe(2);
  } finally {
    vi.useRealTimers();
  }
});

test("print() shows one row per operation", async () => {
  const runner = new LocalDurableTestRunner({ handlerFunction: withDurableExecution(async (_e, ctx) => ctx.step("only", async () => 1)) });
  const result = await runner.run();
  const table = vi.spyOn(console, "table").mockImplementation(() => {});
  result.print({ startTime: false, endTime: false, duration: false });
  expect(table).toHaveBeenCalledWith([{ parentId: "-", name: "only", type: "STEP", subType: "Step", status: "SUCCEEDED" }]);
  table.mockRestore();
});
