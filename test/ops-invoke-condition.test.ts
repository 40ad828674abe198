/**
 * invoke and waitForCondition end to end under AWS's emulator: a registered durable function, a
 * plain function, a failing one; a condition reached after polls and a strategy exhausted.
 * Histories are exact [EventType, SubType, Name] tuples without InvocationCompleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWaitStrategy, step, withDurableExecution } from "../runtime/index.ts";
import type { HistoryEntry } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const events = (history: HistoryEntry[]) => history.filter(([type]) => type !== "InvocationCompleted");

describe("invoke", () => {
  const child = withDurableExecution(async (event: { n: number }, ctx) => ctx.step("square", async () => event.n * event.n));

  it("calls a registered durable function and a plain one, suspending while each runs", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const squared = await ctx.invoke("square it", "square-fn", { n: 7 });
        const echoed = await ctx.invoke("echo-fn", { text: "hi" }); // no name: (functionName, input)
        return { squared, echoed };
      }),
      {
        durableFunctions: { "square-fn": child },
        functions: { "echo-fn": async (event: unknown) => ({ echoed: event }) },
      },
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual({ squared: 49, echoed: { echoed: { text: "hi" } } });
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["ChainedInvokeStarted", "ChainedInvoke", "square it"],
      ["ChainedInvokeSucceeded", "ChainedInvoke", "square it"],
      ["ChainedInvokeStarted", "ChainedInvoke", undefined],
      ["ChainedInvokeSucceeded", "ChainedInvoke", undefined],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(3);
  });

  it("surfaces the target's failure as InvokeError with the target's message, also on replay", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        let seen = "";
        try {
          await ctx.invoke("charge", "failing-fn", { cents: 5 });
        } catch (error) {
          const e = error as Error & { cause?: Error };
          seen = `${e.name}: ${e.message} (cause ${e.cause?.name})`;
        }
        await ctx.wait("after", { seconds: 5 }); // forces one more invocation that replays the failure
        return seen;
      }),
      { functions: { "failing-fn": async () => Promise.reject(new TypeError("card declined")) } },
    );
    expect(run.result).toBe("InvokeError: card declined (cause TypeError)");
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["ChainedInvokeStarted", "ChainedInvoke", "charge"],
      ["ChainedInvokeFailed", "ChainedInvoke", "charge"],
      ["WaitStarted", "Wait", "after"],
      ["WaitSucceeded", "Wait", "after"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(3);
  });

  it("serialises the input and reads the result with the config's serdes", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) =>
        ctx.invoke("upper", "upper-fn", "hello", {
          payloadSerdes: { serialize: (v) => JSON.stringify({ wrapped: v }), deserialize: (s) => JSON.parse(s!).wrapped },
          resultSerdes: { serialize: (v) => JSON.stringify(v), deserialize: (s) => `read:${JSON.parse(s!).text}` },
          tenantId: "tenant-1",
        }),
      ),
      { functions: { "upper-fn": async (event: { wrapped: string }) => ({ text: event.wrapped.toUpperCase() }) } },
    );
    expect(run.result).toBe("read:HELLO");
  });

  it("refuses a missing function name with a message that shows the call", async () => {
    const run = await runOnEmulator(withDurableExecution(async (_event, ctx) => ctx.invoke("", {})));
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/must be a non-empty string.*invoke\(name\?, functionName, input\?, config\?\)/);
  });
});

describe("waitForCondition", () => {
  it("polls as one STEP, each poll a RETRY carrying the state, until the condition holds", async () => {
    const seen: number[] = [];
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) =>
        ctx.waitForCondition("until three", async (state: number, { attempt }) => {
          seen.push(attempt);
          return state + 1;
        }, {
          initialState: 0,
          waitStrategy: createWaitStrategy({ shouldContinuePolling: (s: number) => s < 3, jitter: "NONE", initialDelay: { seconds: 2 } }),
        }),
      ),
    );
    expect(run.result).toBe(3);
    expect(seen).toEqual([1, 2, 3]); // every poll ran exactly once across invocations
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ...Array.from({ length: 3 }, (): HistoryEntry[] => [
        ["StepStarted", "WaitForCondition", "until three"],
        ["StepSucceeded", "WaitForCondition", "until three"],
      ]).flat(),
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(3);
  });

  it("fails with WaitForConditionError once the strategy runs out of attempts", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        try {
          return await ctx.waitForCondition("never", async (s: number) => s + 1, {
            initialState: 0,
            waitStrategy: createWaitStrategy({ shouldContinuePolling: () => true, maxAttempts: 2 }),
          });
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message.slice(0, 46)}`;
        }
      }),
    );
    expect(run.result).toBe("WaitForConditionError: waitForCondition exceeded maximum attempts (2)");
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["StepStarted", "WaitForCondition", "never"],
      ["StepSucceeded", "WaitForCondition", "never"],
      ["StepStarted", "WaitForCondition", "never"],
      ["StepFailed", "WaitForCondition", "never"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(2);
  });

  it("refuses a durable call (an intrinsic) inside the check and a config without a strategy", async () => {
    const inside = await runOnEmulator(
      withDurableExecution(async (_event, ctx) =>
        ctx.waitForCondition(async (s: number) => (await step(async () => s)) + 1, {
          initialState: 0,
          waitStrategy: createWaitStrategy({ shouldContinuePolling: () => false }),
        }).catch((error: Error) => error.message),
      ),
    );
    expect(inside.result).toMatch(/inside a step/);
    const bad = await runOnEmulator(withDurableExecution(async (_event, ctx) => ctx.waitForCondition(async (s) => s, { initialState: 1 } as never)));
    expect(bad.error?.errorMessage).toMatch(/needs initialState and waitStrategy/);
  });
});
