/**
 * Tests written for AWS's LocalDurableTestRunner (@aws/durable-execution-sdk-js-testing) and the official SDK, in their
 * own style. engine-sample-ours.test.ts is this file with only the import changed, and runs them on
 * use-durable/testing; it checks that the two files differ in nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetryStrategy, JitterStrategy, withDurableExecution } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner, OperationStatus, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe("an order workflow", () => {
  const handler = withDurableExecution(async (event: { orderId: string; total: number }, ctx) => {
    const reserved = await ctx.step("reserve", async () => `r-${event.orderId}`);
    await ctx.wait("settle", { minutes: 30 });
    const charged = await ctx.runInChildContext("payment", async (child) => {
      const auth = await child.step("authorize", async () => event.total);
      return child.step("capture", async () => auth * 100);
    });
    return { reserved, charged };
  });
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });

  it("reserves, waits, charges in a child context", async () => {
    const execution = await runner.run({ payload: { orderId: "42", total: 7 } });
    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toEqual({ reserved: "r-42", charged: 700 });
    expect(runner.getOperation("reserve").getStepDetails()).toMatchObject({ attempt: 1, result: "r-42" });
    expect(runner.getOperation("settle").getWaitDetails()?.waitSeconds).toBe(1800);
    const payment = runner.getOperation("payment");
    expect(payment.getContextDetails()?.result).toBe(700);
    expect(payment.getChildOperations()?.map((op) => op.getName())).toEqual(["authorize", "capture"]);
    expect(runner.getOperationByIndex(0).getName()).toBe("reserve");
    expect(runner.getOperationByNameAndIndex("capture", 0).getStatus()).toBe(OperationStatus.SUCCEEDED);
    expect(runner.getOperationById(runner.getOperation("reserve").getId()!).getName()).toBe("reserve");
    expect(execution.getInvocations()).toHaveLength(2);
    expect(execution.getHistoryEvents().map((e) => e.EventType)).toContain("WaitSucceeded");
  });
});

describe("retries", () => {
  it("retries a failing step, then fails the execution with the step's error", async () => {
    let attempts = 0;
    const runner = new LocalDurableTestRunner({
      handlerFunction: withDurableExecution(async (_event, ctx) =>
        ctx.step("flaky", async () => {
          attempts++;
          throw new Error("still down");
        }, { retryStrategy: createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 10 }, jitter: JitterStrategy.NONE }) }),
      ),
    });
    const execution = await runner.run();
    expect(attempts).toBe(3);
    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError()).toMatchObject({ errorType: "StepError", errorMessage: "still down" });
    expect(runner.getOperation("flaky").getStepDetails()?.attempt).toBe(3);
  });
});

describe("callbacks", () => {
  it("waits for an approver who answers through the callback", async () => {
    const runner = new LocalDurableTestRunner({
      handlerFunction: withDurableExecution(async (_event, ctx) => {
        const verdict = await ctx.waitForCallback("approve", async () => {});
        return { verdict };
      }),
    });
    const approve = runner.getOperation("approve");
    const answered = approve.waitForData(WaitingOperationStatus.SUBMITTED).then(() => approve.sendCallbackSuccess("granted"));
    const execution = await runner.run();
    await answered;
    expect(execution.getResult()).toEqual({ verdict: "granted" });
    expect(approve.getCallbackDetails()?.result).toBe("granted");
  });

  it("fails when the approver sends a failure", async () => {
    const runner = new LocalDurableTestRunner({
      handlerFunction: withDurableExecution(async (_event, ctx) => {
        const [promise] = await ctx.createCallback("cb");
        return promise;
      }),
    });
    const cb = runner.getOperation("cb");
    const failed = cb.waitForData().then(() => cb.sendCallbackFailure({ ErrorType: "Denied", ErrorMessage: "not today" }));
    const execution = await runner.run();
    await failed;
    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorMessage).toBe("not today");
    expect(cb.getStatus()).toBe(OperationStatus.FAILED);
  });
});

describe("chained invokes", () => {
  it("invokes a registered durable function and a plain one", async () => {
    const runner = new LocalDurableTestRunner({
      handlerFunction: withDurableExecution(async (event: { n: number }, ctx) => {
        const squared: number = await ctx.invoke("square", "square-fn", { n: event.n });
        const label: string = await ctx.invoke("label", "label-fn", { n: squared });
        return label;
      }),
    });
    runner.registerDurableFunction("square-fn", withDurableExecution(async (event: { n: number }, ctx) => ctx.step("mul", async () => event.n * event.n)));
    runner.registerFunction("label-fn", async (event: { n: number }) => `#${event.n}`);
    const execution = await runner.run({ payload: { n: 9 } });
    expect(execution.getResult()).toBe("#81");
    expect(runner.getOperation("square").getChainedInvokeDetails()?.result).toBe(81);
    expect(execution.getOperations({ status: OperationStatus.SUCCEEDED })).toHaveLength(2);
  });
});
