/**
 * End to end under AWS's emulator (LocalDurableTestRunner, skipped time): our runtime's wire
 * behaviour is validated by the emulator, and each case pins status, result, the exact ordered
 * history [EventType, SubType, Name] and the number of invocations.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { createRetryStrategy, JitterStrategy, StepSemantics, withDurableExecution } from "../runtime/index.ts";
import type { HistoryEntry } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator, WaitingOperationStatus } from "./support/emulator.ts";
import { realSleep } from "./support/real-clock.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const E = (type: string, subType?: string, name?: string): HistoryEntry => [type, subType, name];
const md5 = (s: string) => createHash("md5").update(s).digest("hex").slice(0, 16);
const START = E("ExecutionStarted");
const DONE = E("InvocationCompleted");
const OK = E("ExecutionSucceeded");
const step = (name?: string): HistoryEntry[] => [E("StepStarted", "Step", name), E("StepSucceeded", "Step", name)];
/**
 * The history without InvocationCompleted, for runs that suspend on a wait: with skipped time the
 * emulator completes the wait as soon as it records its START, racing our PENDING answer, so under
 * load WaitSucceeded can land before the InvocationCompleted of the invocation that suspended.
 * Those tests pin the number of invocations instead.
 */
const ordered = (history: HistoryEntry[]) => history.filter((e) => e[0] !== "InvocationCompleted");

describe("runtime on AWS's emulator", () => {
  test("unnamed and named steps run once each and return their results", async () => {
    const handler = withDurableExecution(async (event: { n: number }, ctx: DurableContext) => {
      const a = await ctx.step(async () => event.n + 1);
      const b = await ctx.step("double", async () => a * 2);
      return { a, b };
    });
    const run = await runOnEmulator(handler, { payload: { n: 20 } });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual({ a: 21, b: 42 });
    expect(run.history).toEqual([START, ...step(), ...step("double"), DONE, OK]);
    expect(run.invocations).toBe(1);
    expect(run.operations.map((o) => o.id)).toEqual(["c4ca4238a0b92382", "c81e728d9d4c2f63"]);
  });

  test("a failing step retries with backoff across invocations, then succeeds", async () => {
    let calls = 0;
    const handler = withDurableExecution(async (_event, ctx: DurableContext) =>
      ctx.step("flaky", async () => {
        if (++calls < 3) throw new Error(`boom ${calls}`);
        return calls;
      }, { retryStrategy: createRetryStrategy({ maxAttempts: 5, initialDelay: { seconds: 2 }, jitter: JitterStrategy.NONE }) }),
    );
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toBe(3);
    const failed = [E("StepStarted", "Step", "flaky"), E("StepFailed", "Step", "flaky"), DONE];
    expect(run.history).toEqual([START, ...failed, ...failed, ...step("flaky"), DONE, OK]);
    expect(run.invocations).toBe(3);
  });

  test("a step that exhausts its retries fails the execution with a StepError", async () => {
    const handler = withDurableExecution(async (_event, ctx: DurableContext) =>
      ctx.step("always", async () => {
        throw new TypeError("no way");
      }, { retryStrategy: createRetryStrategy({ maxAttempts: 2, initialDelay: { seconds: 1 }, jitter: JitterStrategy.NONE }) }),
    );
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatchObject({ errorType: "StepError", errorMessage: "no way" });
    const attempt = [E("StepStarted", "Step", "always"), E("StepFailed", "Step", "always"), DONE];
    expect(run.history).toEqual([START, ...attempt, ...attempt.slice(0, 2), DONE, E("ExecutionFailed")]);
    expect(run.invocations).toBe(2);
  });

  test("an at-most-once step interrupted mid-run is retried by its strategy, not re-run blindly", async () => {
    let invocation = 0;
    let bodyRuns = 0;
    let bodyStarted!: () => void;
    const started = new Promise<void>((resolve) => (bodyStarted = resolve));
    const inner = withDurableExecution(async (_event, ctx: DurableContext) => {
      const pause = ctx.wait("pause", { hours: 1 });
      const value = await ctx.step("charge", async () => {
        bodyRuns++;
        if (invocation === 1) {
          bodyStarted(); // START is acknowledged: at-most-once runs the body only after that
          await new Promise(() => {}); // the sandbox dies during this attempt
        }
        return "charged";
      }, { semantics: StepSemantics.AtMostOncePerRetry, retryStrategy: createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 1 }, jitter: JitterStrategy.NONE }) });
      await pause;
      return value;
    });
    // Simulates the crash: the first invocation ends while the step body is still running.
    const handler = async (event: unknown, lambdaContext: unknown) => {
      invocation++;
      if (invocation > 1) return inner(event, lambdaContext);
      void inner(event, lambdaContext);
      await started;
      return { Status: "PENDING" };
    };
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toBe("charged");
    expect(bodyRuns).toBe(2);
    // Where the first InvocationCompleted falls relative to WaitSucceeded depends on when skipTime
    // fires the wait against the crashed invocation's end, so it is left out of the order check.
    expect(run.history.filter((e) => e !== DONE && e[0] !== "InvocationCompleted")).toEqual([
      START, E("WaitStarted", "Wait", "pause"), E("StepStarted", "Step", "charge"),
      E("WaitSucceeded", "Wait", "pause"), E("StepFailed", "Step", "charge"),
      ...step("charge"), OK,
    ]);
    expect(run.history.filter((e) => e[0] === "InvocationCompleted")).toHaveLength(3);
    expect(run.invocations).toBe(3);
  });

  test("waits suspend the invocation and resume in the next one", async () => {
    const bodies: string[] = [];
    const handler = withDurableExecution(async (_event, ctx: DurableContext) => {
      await ctx.step("before", async () => bodies.push("before"));
      await ctx.wait("first", { minutes: 10 });
      await ctx.wait({ hours: 1 });
      await ctx.step("after", async () => bodies.push("after"));
      return "done";
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(bodies).toEqual(["before", "after"]);
    expect(ordered(run.history)).toEqual([
      START, ...step("before"), E("WaitStarted", "Wait", "first"),
      E("WaitSucceeded", "Wait", "first"), E("WaitStarted", "Wait"),
      E("WaitSucceeded", "Wait"), ...step("after"), OK,
    ]);
    expect(run.invocations).toBe(3);
  });

  test("child contexts nest their operations and replay from their recorded result", async () => {
    let childBodies = 0;
    const handler = withDurableExecution(async (_event, ctx: DurableContext) => {
      const total = await ctx.runInChildContext("sum", async (child) => {
        childBodies++;
        const x = await child.step("x", async () => 2);
        const y = await child.runInChildContext(async (inner) => inner.step("y", async () => 3));
        return x + y;
      });
      await ctx.wait("nap", { seconds: 30 });
      return total;
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toBe(5);
    expect(childBodies).toBe(1);
    expect(ordered(run.history)).toEqual([
      START, E("ContextStarted", "RunInChildContext", "sum"), ...step("x"),
      E("ContextStarted", "RunInChildContext"), ...step("y"), E("ContextSucceeded", "RunInChildContext"),
      E("ContextSucceeded", "RunInChildContext", "sum"), E("WaitStarted", "Wait", "nap"),
      E("WaitSucceeded", "Wait", "nap"), OK,
    ]);
    expect(run.invocations).toBe(2);
    const byName = Object.fromEntries(run.operations.map((o) => [o.name ?? o.id, o]));
    expect(byName["x"]?.parentId).toBe(byName["sum"]?.id);
    // ids follow the official scheme: "1" the child, "1-2" the inner child, "1-2-1" its step
    expect(byName["y"]?.id).toBe(md5("1-2-1"));
    expect(byName["y"]?.parentId).toBe(md5("1-2"));
  });

  test("a child result over 256 KiB is checkpointed with ReplayChildren and rebuilt on replay", async () => {
    let stepRuns = 0;
    const big = "b".repeat(300 * 1024);
    const handler = withDurableExecution(async (_event, ctx: DurableContext) => {
      const value = await ctx.runInChildContext("big", async (child) => {
        const part = await child.step("part", async () => {
          stepRuns++;
          return big.slice(0, 200 * 1024);
        });
        return part + big.slice(200 * 1024);
      });
      await ctx.wait("nap", { seconds: 1 });
      return value.length;
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toBe(300 * 1024);
    expect(stepRuns).toBe(1);
    expect(ordered(run.history)).toEqual([
      START, E("ContextStarted", "RunInChildContext", "big"), ...step("part"),
      E("ContextSucceeded", "RunInChildContext", "big"), E("WaitStarted", "Wait", "nap"),
      E("WaitSucceeded", "Wait", "nap"), OK,
    ]);
    expect(run.invocations).toBe(2);
    const context = run.raw.operations.find((o) => o.getName() === "big")!.getOperationData();
    expect(context?.ContextDetails?.ReplayChildren).toBe(true);
    expect(context?.ContextDetails?.Result ?? "").toBe("");
  });

  test("code that changes between invocations fails the execution as non-deterministic, never PENDING", async () => {
    let invocation = 0;
    const handler = withDurableExecution(async (_event, ctx: DurableContext) => {
      invocation++;
      await ctx.step(invocation === 1 ? "reserve" : "charge", async () => "ok");
      await ctx.wait("nap", { seconds: 1 });
      return "unreachable";
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorType).toBe("NonDeterministicExecutionError");
    expect(run.error?.errorMessage).toMatch(/#1.*name recorded there is "reserve".*"charge"/);
    expect(ordered(run.history)).toEqual([
      START, ...step("reserve"), E("WaitStarted", "Wait", "nap"),
      E("WaitSucceeded", "Wait", "nap"), E("ExecutionFailed"),
    ]);
    expect(run.invocations).toBe(2);
  });

  test("a result over 6 MiB is checkpointed on the EXECUTION operation and returned as empty", async () => {
    const handler = withDurableExecution(async (_event, ctx: DurableContext) => {
      const n = await ctx.step("size", async () => 7 * 1024 * 1024);
      return "x".repeat(n);
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect((run.result as string).length).toBe(7 * 1024 * 1024);
    expect(run.history).toEqual([START, ...step("size"), OK, DONE]);
    expect(run.invocations).toBe(1);
  });
});

describe("the emulator harness (test/support/emulator.ts)", () => {
  // Exercised with the official SDK so the harness is checked independently of our operations.
  test("hooks act on an operation once it starts, and registered functions serve chained invokes", async () => {
    const official = await import("@aws/durable-execution-sdk-js");
    const handler = official.withDurableExecution(async (_event: unknown, ctx) => {
      const [answer, callbackId] = await ctx.createCallback("approval");
      const approved = await answer;
      const doubled = await ctx.invoke("double", "double-fn", { n: 21 });
      return { approved, doubled, hasId: typeof callbackId === "string" };
    });
    const run = await runOnEmulator(handler as never, {
      hooks: [{ name: "approval", act: (op) => op.sendCallbackSuccess(JSON.stringify("yes")) }],
      functions: { "double-fn": async (event: { n: number }) => event.n * 2 },
    });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual({ approved: '"yes"', doubled: 42, hasId: true });
    expect(run.history.filter(([type]) => type !== "InvocationCompleted")).toEqual([
      START, E("CallbackStarted", "Callback", "approval"), E("CallbackSucceeded", "Callback", "approval"),
      E("ChainedInvokeStarted", "ChainedInvoke", "double"), E("ChainedInvokeSucceeded", "ChainedInvoke", "double"), OK,
    ]);
  });

  const oneStep = withDurableExecution(async (_event: unknown, ctx: DurableContext) => ctx.step("a", async () => 1));

  test("a hook whose operation never reaches its status fails the run, naming the hook", async () => {
    await expect(runOnEmulator(oneStep, { hooks: [{ name: "missing", act: () => {} }] })).rejects.toThrow(
      /emulator hook on operation "missing" \(when STARTED\) never fired/,
    );
  });

  test("a hook that throws after the run has ended fails the run, naming the hook", async () => {
    const late = async () => {
      await realSleep(200); // the one-step run is over long before
      throw new Error("late failure");
    };
    await expect(
      runOnEmulator(oneStep, { hooks: [{ name: "a", when: WaitingOperationStatus.COMPLETED, act: late }] }),
    ).rejects.toThrow(/emulator hook on operation "a" \(when COMPLETED\) threw: late failure/);
  });
});
