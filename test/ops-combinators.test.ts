/**
 * The combinators end to end under AWS's emulator: ctx.promise.all / allSettled / any / race
 * (one RunInChildContext each, as in the official SDK) and the functions compiled code calls for
 * Promise.all / allSettled / any / race and Promise.all(xs.map(...)) (a Parallel or Map with one
 * child context per branch, plain-JS values and errors), each also replayed across invocations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { context, registerClass, sleep, step, withDurableExecution } from "../runtime/index.ts";
import { mapAll, promiseAll, promiseAllSettled, promiseAny, promiseRace } from "../runtime/internal.ts";
import type { HistoryEntry } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const events = (history: HistoryEntry[]) => history.filter(([type]) => type !== "InvocationCompleted");
const E = (type: string, subType?: string, name?: string): HistoryEntry => [type, subType, name];
const noRetry = { retryStrategy: () => ({ shouldRetry: false }) };

describe("ctx.promise combinators", () => {
  it("all: one child context over steps started in the parent, replayed as recorded after a wait", async () => {
    let bodies = 0;
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const a = ctx.step("a", async () => (bodies++, 1));
        const b = ctx.step("b", async () => (bodies++, 2));
        const both = await ctx.promise.all("both", [a, b]);
        await ctx.wait("pause", { seconds: 5 });
        return both;
      }),
    );
    expect(run.result).toEqual([1, 2]);
    expect(bodies).toBe(2);
    expect(events(run.history)).toEqual([
      E("ExecutionStarted"),
      E("StepStarted", "Step", "a"),
      E("StepStarted", "Step", "b"),
      E("ContextStarted", "RunInChildContext", "both"),
      E("StepSucceeded", "Step", "a"),
      E("StepSucceeded", "Step", "b"),
      E("ContextSucceeded", "RunInChildContext", "both"),
      E("WaitStarted", "Wait", "pause"),
      E("WaitSucceeded", "Wait", "pause"),
      E("ExecutionSucceeded"),
    ]);
    expect(run.invocations).toBe(2);
  });

  it("allSettled keeps rejections as errors through replay; all fails with PromiseCombinatorError; any and race pick the first", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const settled = await ctx.promise.allSettled("settled", [
          ctx.step("ok", async () => "fine"),
          ctx.step("bad", async () => Promise.reject(new TypeError("broken")), noRetry),
        ]);
        let allError = "";
        try {
          await ctx.promise.all("all", [ctx.step("bad2", async () => Promise.reject(new Error("nope")), noRetry)]);
        } catch (error) {
          allError = (error as Error).name;
        }
        const any = await ctx.promise.any("any", [ctx.step("x", async () => Promise.reject(new Error("x")), noRetry), ctx.step("y", async () => "y")]);
        const race = await ctx.promise.race("race", [ctx.step("fast", async () => "fast"), ctx.step("slow", async () => "slow")]);
        await ctx.wait("pause", { seconds: 5 });
        const reason = (settled[1] as PromiseRejectedResult).reason as Error;
        return { first: settled[0], reason: [reason instanceof Error, reason.name, reason.message], allError, any, race };
      }),
    );
    expect(run.result).toEqual({
      first: { status: "fulfilled", value: "fine" },
      reason: [true, "StepError", "broken"],
      allError: "PromiseCombinatorError",
      any: "y",
      race: "fast",
    });
    expect(run.invocations).toBe(2);
  });
});

describe("the concurrency functions of compiled code", () => {
  it("promiseAll runs each branch in its own child context and returns values in order, across invocations", async () => {
    let bodies = 0;
    const run = await runOnEmulator(
      withDurableExecution(async () =>
        promiseAll("Promise.all", [
          async () => (await sleep("nap", { hours: 1 }), "slept"),
          async () => (await sleep("nap2", { hours: 1 }), step("work", async () => (bodies++, "worked"))),
        ]),
      ),
    );
    expect(run.result).toEqual(["slept", "worked"]);
    expect(run.invocations).toBe(2);
    expect(bodies).toBe(1);
    const history = events(run.history);
    expect(history.slice(0, 8)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Parallel", "Promise.all"),
      E("ContextStarted", "ParallelBranch", "parallel-branch-0"),
      E("ContextStarted", "ParallelBranch", "parallel-branch-1"),
      E("WaitStarted", "Wait", "nap"),
      E("WaitStarted", "Wait", "nap2"),
      E("WaitSucceeded", "Wait", "nap"),
      E("WaitSucceeded", "Wait", "nap2"),
    ]);
    // The two branches then finish concurrently in the second invocation; their relative order is
    // not part of the contract, their set and the closing events are.
    expect(history.slice(8, -2).map((e) => e.join(" ")).sort()).toEqual([
      "ContextSucceeded ParallelBranch parallel-branch-0",
      "ContextSucceeded ParallelBranch parallel-branch-1",
      "StepStarted Step work",
      "StepSucceeded Step work",
    ]);
    expect(history.slice(-2)).toEqual([E("ContextSucceeded", "Parallel", "Promise.all"), E("ExecutionSucceeded")]);
  });

  it("promiseAll rejects with the first failing branch's error, rebuilt from its record with its class and fields", async () => {
    class OutOfStock extends Error {
      override name = "OutOfStock";
      sku = 42;
    }
    registerClass(OutOfStock);
    const run = await runOnEmulator(
      withDurableExecution(async () => {
        try {
          await promiseAll("Promise.all", [async () => step("fine", async () => 1), async () => Promise.reject(new OutOfStock("sku 42"))]);
          return "no error";
        } catch (error) {
          // The same on the first run as on a replay: what the record holds, not the thrown object.
          return { cls: error instanceof OutOfStock, name: (error as Error).name, message: (error as Error).message, sku: (error as OutOfStock).sku };
        }
      }),
    );
    expect(run.result).toEqual({ cls: true, name: "OutOfStock", message: "sku 42", sku: 42 });
  });

  it("promiseAllSettled, promiseAny and promiseRace answer like their Promise counterparts, also on replay", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async () => {
        const settled = await promiseAllSettled("Promise.allSettled", [
          async () => step("one", async () => 1),
          async () => Promise.reject(new RangeError("two")),
        ]);
        const any = await promiseAny("Promise.any", [async () => Promise.reject(new Error("a")), async () => step("b", async () => "b")]);
        let aggregate: unknown;
        try {
          await promiseAny("Promise.any#2", [async () => Promise.reject(new Error("p")), async () => Promise.reject(new Error("q"))]);
        } catch (error) {
          aggregate = error;
        }
        const race = await promiseRace("Promise.race", [async () => (await sleep({ hours: 1 }), "slow"), async () => "quick"]);
        await sleep("then", { seconds: 5 }); // the second invocation replays all of the above
        const reason = (settled[1] as PromiseRejectedResult).reason as Error;
        return {
          settled: [settled[0], settled[1]!.status, reason.name, reason.message],
          any,
          aggregate: aggregate instanceof AggregateError ? (aggregate.errors as Error[]).map((e) => e.message) : String(aggregate),
          race,
        };
      }),
    );
    expect(run.result).toEqual({
      settled: [{ status: "fulfilled", value: 1 }, "rejected", "RangeError", "two"],
      any: "b",
      aggregate: ["p", "q"],
      race: "quick",
    });
    expect(run.invocations).toBe(2);
    expect(events(run.history).filter(([, sub]) => sub === "Parallel").map(([type, , name]) => `${type} ${name}`)).toEqual([
      "ContextStarted Promise.allSettled", "ContextSucceeded Promise.allSettled",
      "ContextStarted Promise.any", "ContextSucceeded Promise.any",
      "ContextStarted Promise.any#2", "ContextSucceeded Promise.any#2",
      "ContextStarted Promise.race", "ContextSucceeded Promise.race",
    ]);
  });

  it("mapAll maps each item in its own MapIteration and keeps the order, also on replay", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (event: { skus: string[] }) => {
        const reserved = await mapAll("Promise.all(skus.map)", event.skus, async (sku) => step("reserve", async () => `${sku as string}!`));
        await sleep("after", { seconds: 5 }); // the second invocation replays the map from its payload
        return reserved;
      }),
      { payload: { skus: ["a", "b", "c"] } },
    );
    expect(run.result).toEqual(["a!", "b!", "c!"]);
    expect(run.invocations).toBe(2);
    expect(events(run.history).filter(([, sub]) => sub === "MapIteration")).toHaveLength(6);
  });

  it("says where it must be called when used outside a durable function", async () => {
    await expect(promiseAll("Promise.all", [])).rejects.toThrow(/outside a durable function/);
    expect(() => context()).toThrow(/outside a durable function/);
  });
});
