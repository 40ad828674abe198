/**
 * map and parallel end to end under AWS's emulator: min-successful, tolerated failures, threshold
 * exceeded (fail-fast), flat nesting, a summarised result replayed, 1,000 items at concurrency 10,
 * parallel with heterogeneous branches and branches that wait across invocations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import type { BatchResult, DurableContext } from "../runtime/index.ts";
import type { HistoryEntry } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { MemoryClient } from "./support/memory-client.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const events = (history: HistoryEntry[]) => history.filter(([type]) => type !== "InvocationCompleted");
const summary = (r: BatchResult<unknown>) => ({
  reason: r.completionReason,
  status: r.status,
  items: r.all.map((i) => [i.index, i.status, i.status === "FAILED" ? i.error?.message : i.result]),
  counts: [r.successCount, r.failureCount, r.startedCount, r.totalCount],
});
const E = (type: string, subType?: string, name?: string): HistoryEntry => [type, subType, name];
const item = (i: number, outcome = "ContextSucceeded", sub = "MapIteration", name = `map-item-${i}`): HistoryEntry[] => [
  E("ContextStarted", sub, name),
  E(outcome, sub, name),
];

describe("map", () => {
  it("completes at min-successful, leaving a still-running item STARTED", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map("orders", [1, 2, 3, 4], async (c: DurableContext, x: number) => {
          if (x === 2) await (await c.createCallback("never answered"))[0]; // still running when two others are done
          return x * 10;
        }, { maxConcurrency: 2, completionConfig: { minSuccessful: 2 } });
        return summary(result);
      }),
    );
    expect(run.result).toEqual({
      reason: "MIN_SUCCESSFUL_REACHED",
      status: "SUCCEEDED",
      items: [[0, "SUCCEEDED", 10], [1, "STARTED", null], [2, "SUCCEEDED", 30]],
      counts: [2, 0, 1, 3],
    });
    expect(events(run.history)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Map", "orders"),
      E("ContextStarted", "MapIteration", "map-item-0"),
      E("ContextStarted", "MapIteration", "map-item-1"),
      E("CallbackStarted", "Callback", "never answered"),
      E("ContextSucceeded", "MapIteration", "map-item-0"),
      ...item(2),
      E("ContextSucceeded", "Map", "orders"),
      E("ExecutionSucceeded"),
    ]);
    expect(run.invocations).toBe(1);
  });

  it("tolerates failures up to the limit and records each item's error", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map([1, 2, 3, 4], async (_c: DurableContext, x: number) => {
          if (x % 2 === 0) throw new RangeError(`bad ${x}`);
          return x;
        }, { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 2 }, itemNamer: (x) => `n${x}` });
        return { ...summary(result), errorTypes: result.getErrors().map((e) => e.name) };
      }),
    );
    expect(run.result).toEqual({
      reason: "ALL_COMPLETED",
      status: "FAILED",
      items: [[0, "SUCCEEDED", 1], [1, "FAILED", "bad 2"], [2, "SUCCEEDED", 3], [3, "FAILED", "bad 4"]],
      counts: [2, 2, 0, 4],
      errorTypes: ["ChildContextError", "ChildContextError"],
    });
    expect(events(run.history)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Map"),
      ...item(0, "ContextSucceeded", "MapIteration", "n1"),
      ...item(1, "ContextFailed", "MapIteration", "n2"),
      ...item(2, "ContextSucceeded", "MapIteration", "n3"),
      ...item(3, "ContextFailed", "MapIteration", "n4"),
      E("ContextSucceeded", "Map"),
      E("ExecutionSucceeded"),
    ]);
  });

  it("stops at the threshold (empty config = fail-fast) and never throws; throwIfError rethrows", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const failFast = await ctx.map("ff", [1, 2, 3], async (_c: DurableContext, x: number) => {
          if (x === 1) throw new Error("first fails");
          return x;
        }, { maxConcurrency: 1, completionConfig: {} });
        const pct = await ctx.map("pct", [1, 2, 3, 4], async (_c: DurableContext, x: number) => {
          if (x <= 2) throw new Error(`fail ${x}`);
          return x;
        }, { maxConcurrency: 1, completionConfig: { toleratedFailurePercentage: 25 } });
        let thrown = "";
        try {
          failFast.throwIfError();
        } catch (error) {
          thrown = (error as Error).message;
        }
        return { failFast: summary(failFast), pct: summary(pct), thrown };
      }),
    );
    expect(run.result).toEqual({
      failFast: { reason: "FAILURE_TOLERANCE_EXCEEDED", status: "FAILED", items: [[0, "FAILED", "first fails"]], counts: [0, 1, 0, 1] },
      pct: { reason: "FAILURE_TOLERANCE_EXCEEDED", status: "FAILED", items: [[0, "FAILED", "fail 1"], [1, "FAILED", "fail 2"]], counts: [0, 2, 0, 2] },
      thrown: "first fails",
    });
    expect(events(run.history)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Map", "ff"),
      ...item(0, "ContextFailed"),
      E("ContextSucceeded", "Map", "ff"),
      E("ContextStarted", "Map", "pct"),
      ...item(0, "ContextFailed"),
      ...item(1, "ContextFailed"),
      E("ContextSucceeded", "Map", "pct"),
      E("ExecutionSucceeded"),
    ]);
  });

  it("never checkpoints for an item that finishes after the batch completed", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map("ff", [0, 1], async (c: DurableContext, x: number) => {
          if (x === 0) throw new Error("fails at once");
          await c.wait("w", { seconds: 1 });
          return c.step("late", async () => x); // runs only if the wait's completion arrives in time
        });
        // Items settling in the very next microtasks (the official SDK 2.4.0 still checkpoints these).
        const quick = await ctx.map("quick", [0, 1, 2], async (_c: DurableContext, x: number) => {
          if (x === 0) throw new Error("fails at once");
          return x;
        });
        const first = await ctx.map("first", [0, 1, 2], async (_c: DurableContext, x: number) => x, { completionConfig: { minSuccessful: 1 } });
        await ctx.step("after-map", async () => "a round trip that brings the wait's completion");
        await ctx.step("again", async () => "and one more");
        return [result, quick, first].map((r) => r.all.map((i) => i.status));
      }),
    );
    expect(run.result).toEqual([["FAILED", "STARTED"], ["FAILED", "STARTED", "STARTED"], ["SUCCEEDED", "STARTED", "STARTED"]]);
    // Only the one item that decided "first"; the others finished a microtask later and sent nothing.
    expect(run.history.filter(([type, sub]) => type === "ContextSucceeded" && sub === "MapIteration")).toEqual([
      ["ContextSucceeded", "MapIteration", "map-item-0"],
    ]);
    const names = run.history.map(([type, , name]) => `${type} ${name}`);
    expect(names).not.toContain("StepStarted late");
    expect(names).not.toContain("StepSucceeded late");
    expect(names).not.toContain("ContextSucceeded map-item-1");
    expect(names).toContain("ContextFailed map-item-0");
  });

  // JS SDK #751: the gate closes when the deciding outcome is reported, not when the map's body
  // returns a few microtasks later; an item still running then must send nothing (here a step that
  // would START, or SUCCEED, in that window). Against the in-memory service: the window is microtasks.
  it("closes the gate at completion: a still-running item's step sends nothing afterwards", async () => {
    for (const ticks of [0, 4]) {
      const service = new MemoryClient({});
      const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
        await ctx.map("m", [0, 1], async (c: DurableContext, x: number) => {
          if (x === 0) throw new Error("fails at once");
          for (let i = 0; i < ticks; i++) await null;
          return c.step("late", async () => x);
        });
        return ctx.step("after", async () => 1);
      }, { durableExecutionClient: service });
      expect((await service.drive(handler)).output.Status).toBe("SUCCEEDED");
      const sent = service.updates().map((u) => `${u.Name} ${u.Action}`);
      expect(sent.slice(sent.indexOf("map-item-0 FAIL"))).toEqual(["map-item-0 FAIL", "m SUCCEED", "after START", "after SUCCEED"]);
    }
  });

  it("flat nesting checkpoints no context per item; item operations hang off the map", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map("flat", [1, 2], async (c: DurableContext, x: number) => {
          const doubled = await c.step("double", async () => x * 2);
          await c.wait("pause", { seconds: 5 });
          return doubled;
        }, { nesting: "FLAT" });
        return result.getResults();
      }),
    );
    expect(run.result).toEqual([2, 4]);
    expect(events(run.history)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Map", "flat"),
      E("StepStarted", "Step", "double"),
      E("StepStarted", "Step", "double"),
      E("StepSucceeded", "Step", "double"),
      E("StepSucceeded", "Step", "double"),
      E("WaitStarted", "Wait", "pause"),
      E("WaitStarted", "Wait", "pause"),
      E("WaitSucceeded", "Wait", "pause"),
      E("WaitSucceeded", "Wait", "pause"),
      E("ContextSucceeded", "Map", "flat"),
      E("ExecutionSucceeded"),
    ]);
    const mapOp = run.operations.find((o) => o.subType === "Map")!;
    expect(run.operations.filter((o) => o.name === "double").map((o) => o.parentId)).toEqual([mapOp.id, mapOp.id]);
    expect(run.invocations).toBe(2);
  });

  for (const nesting of ["NESTED", "FLAT"] as const) {
    it(`writes a summary for a result over 256 KiB and rebuilds it on replay from the items (${nesting})`, async () => {
      let bodies = 0;
      const run = await runOnEmulator(
        withDurableExecution(async (_event, ctx) => {
          const big = await ctx.map("big", [0, 1, 2], async (c: DurableContext, i: number) => c.step(async () => (bodies++, `${i}`.repeat(100_000))), { nesting });
          await ctx.wait("later", { seconds: 10 }); // the next invocation replays the summarised map
          return big.getResults().map((s) => s.length);
        }),
      );
      expect(run.result).toEqual([100_000, 100_000, 100_000]);
      expect(bodies).toBe(3); // the replay rebuilt the results from the records, running nothing again
      const mapOp = run.raw.operations.find((o) => o.getSubType() === "Map")!;
      const payload = mapOp.getContextDetails()?.result; // the emulator hands it back parsed
      expect(payload).toMatchObject({ type: "MapResult", totalCount: 3, successCount: 3, itemStatuses: "SSS", completionReason: "ALL_COMPLETED" });
      expect(run.invocations).toBe(2);
    });
  }

  it("rebuilds a summarised early-completed batch on replay exactly: items, still-running ones and reason", async () => {
    const seen: unknown[] = [];
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map("big-early", [0, 1, 2, 3], async (c: DurableContext, i: number) => {
          if (i === 1) await (await c.createCallback("never"))[0];
          return c.step("blob", async () => `${i}`.repeat(100_000));
        }, { maxConcurrency: 3, completionConfig: { minSuccessful: 2 } });
        const s = summary(result);
        seen.push({ ...s, items: s.items.map(([i, status, value]) => [i, status, (value as string | null)?.length ?? null]) });
        await ctx.wait("later", { seconds: 10 });
        return "done";
      }),
    );
    expect(run.result).toBe("done");
    expect(run.invocations).toBe(2);
    const first = {
      reason: "MIN_SUCCESSFUL_REACHED",
      status: "SUCCEEDED",
      // as on the official SDK: item 0's success started item 3 before item 2's completed the batch
      items: [[0, "SUCCEEDED", 100_000], [1, "STARTED", null], [2, "SUCCEEDED", 100_000], [3, "STARTED", null]],
      counts: [2, 0, 2, 4],
    };
    expect(seen).toEqual([first, first]); // the second invocation rebuilt it from the summary "S-S-"
  });

  it("groups items with itemBatcher: one child context per group, outcomes spread back per item", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.map("grouped", [1, 2, 3, 4, 5], async (c: DurableContext, x: number) => {
          if (x === 4) throw new Error("four");
          return c.step(async () => x * 10);
        }, { itemBatcher: { maxItemsPerBatch: 2 }, completionConfig: { toleratedFailureCount: 1 }, maxConcurrency: 1 });
        return summary(result);
      }),
    );
    expect(run.result).toEqual({
      reason: "ALL_COMPLETED",
      status: "FAILED",
      items: [[0, "SUCCEEDED", 10], [1, "SUCCEEDED", 20], [2, "FAILED", "four"], [3, "FAILED", "four"], [4, "SUCCEEDED", 50]],
      counts: [3, 2, 0, 5],
    });
    expect(events(run.history).filter(([, sub]) => sub === "MapIteration")).toEqual([
      ...item(0, "ContextSucceeded", "MapIteration", "map-item-0..1"),
      ...item(1, "ContextFailed", "MapIteration", "map-item-2..3"),
      ...item(2, "ContextSucceeded", "MapIteration", "map-item-4"),
    ]);
    expect(run.history.filter(([type]) => type === "StepSucceeded")).toHaveLength(4);
  });

  it("maps 1,000 items at concurrency 10 in one invocation", async () => {
    let peak = 0;
    let running = 0;
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const items = Array.from({ length: 1000 }, (_, i) => i);
        const result = await ctx.map("thousand", items, async (c: DurableContext, i: number) => {
          peak = Math.max(peak, ++running);
          const v = await c.step(async () => i + 1);
          running--;
          return v;
        }, { maxConcurrency: 10 });
        const sum = result.getResults().reduce((a, b) => a + b, 0);
        return { sum, total: result.totalCount, reason: result.completionReason };
      }),
    );
    expect(run.result).toEqual({ sum: 500_500, total: 1000, reason: "ALL_COMPLETED" });
    expect(peak).toBe(10);
    expect(run.history.filter(([t, s]) => t === "ContextSucceeded" && s === "MapIteration")).toHaveLength(1000);
    expect(run.history.filter(([t]) => t === "StepSucceeded")).toHaveLength(1000);
    expect(run.invocations).toBe(1);
  });
});

describe("parallel", () => {
  it("runs heterogeneous branches, named and unnamed, and suspends while every running branch waits", async () => {
    let stepRuns = 0;
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const result = await ctx.parallel<unknown>("fan-out", [
          async (c) => (await c.wait("w1", { hours: 1 }), c.step("a", async () => ++stepRuns)),
          { name: "waiter", func: async (c) => (await c.wait("w2", { hours: 1 }), "waited") },
          async (c) => c.runInChildContext("inner", async (i) => (await i.wait("w3", { hours: 1 }), { deep: true })),
        ]);
        return { results: result.getResults(), reason: result.completionReason };
      }),
    );
    expect(run.result).toEqual({ results: [1, "waited", { deep: true }], reason: "ALL_COMPLETED" });
    expect(stepRuns).toBe(1);
    const history = events(run.history);
    expect(history.slice(0, 12)).toEqual([
      E("ExecutionStarted"),
      E("ContextStarted", "Parallel", "fan-out"),
      E("ContextStarted", "ParallelBranch", "parallel-branch-0"),
      E("ContextStarted", "ParallelBranch", "waiter"),
      E("ContextStarted", "ParallelBranch", "parallel-branch-2"),
      E("WaitStarted", "Wait", "w1"),
      E("WaitStarted", "Wait", "w2"),
      E("ContextStarted", "RunInChildContext", "inner"),
      E("WaitStarted", "Wait", "w3"),
      E("WaitSucceeded", "Wait", "w1"),
      E("WaitSucceeded", "Wait", "w2"),
      E("WaitSucceeded", "Wait", "w3"),
    ]);
    // The branches then finish concurrently in the second invocation: the set is fixed, the
    // interleaving is not part of the contract.
    expect(history.slice(12, -2).map((e) => e.join(" ")).sort()).toEqual([
      "ContextSucceeded ParallelBranch parallel-branch-0",
      "ContextSucceeded ParallelBranch parallel-branch-2",
      "ContextSucceeded ParallelBranch waiter",
      "ContextSucceeded RunInChildContext inner",
      "StepStarted Step a",
      "StepSucceeded Step a",
    ]);
    expect(history.slice(-2)).toEqual([E("ContextSucceeded", "Parallel", "fan-out"), E("ExecutionSucceeded")]);
    expect(run.invocations).toBe(2);
  });

  it("refuses a bad maxConcurrency and a branch that is not a function", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const messages: string[] = [];
        for (const attempt of [
          () => ctx.parallel([async () => 1], { maxConcurrency: 0 }),
          () => ctx.parallel([42 as never]),
          () => ctx.map("m", [1], async () => 1, { completionConfig: { minSuccessful: 1, shouldComplete: () => ({ complete: false }) } as never }),
        ]) {
          try {
            attempt();
          } catch (error) {
            messages.push((error as Error).message);
          }
        }
        return messages;
      }),
    );
    expect(run.result).toEqual([
      expect.stringMatching(/maxConcurrency must be a whole number >= 1/),
      expect.stringMatching(/branch 0 is neither a function/),
      expect.stringMatching(/cannot be combined/),
    ]);
  });
});

describe("argument and config errors name the call and say how to fix it", () => {
  /** What `call(ctx)` throws synchronously inside a handler: its code and message. */
  const thrownBy = async (call: (ctx: DurableContext) => unknown) => {
    const service = new MemoryClient({});
    const handler = withDurableExecution(async (_e, ctx: DurableContext) => {
      try {
        call(ctx);
        return "nothing thrown";
      } catch (error) {
        return `${(error as { code?: string }).code} ${(error as Error).message}`;
      }
    }, { durableExecutionClient: service });
    const { output } = await service.drive(handler);
    expect(service.updates()).toEqual([]); // thrown before an id was taken: nothing sent
    return JSON.parse((output as { Result: string }).Result) as string;
  };

  it("map: a missing function and a bad config", async () => {
    expect(await thrownBy((ctx) => ctx.map("orders", [1], undefined as never))).toBe(
      'UD_INVALID_ARGUMENT map "orders": fn must be a function, got undefined. Call it as map(name?, items, fn, config?).',
    );
    expect(await thrownBy((ctx) => ctx.map("orders", [1], async () => 1, { maxConcurrency: 0 }))).toBe(
      'UD_INVALID_ARGUMENT map "orders": maxConcurrency must be a whole number >= 1 (or left out for no limit), got 0.',
    );
    expect(await thrownBy((ctx) => ctx.map([1], async () => 1, { itemNamer: () => "é" }))).toMatch(/^UD_INVALID_ARGUMENT map itemNamer: the name "é" is not a valid operation name\. .*pass a shorter or plain-ASCII name/);
  });

  it("parallel: branches that are not an array and a bad config", async () => {
    expect(await thrownBy((ctx) => ctx.parallel("checks", (async () => 1) as never))).toBe(
      'UD_INVALID_ARGUMENT parallel "checks": branches must be an array of functions or { name?, func } objects, got function. Call it as parallel(name?, branches, config?).',
    );
    expect(await thrownBy((ctx) => ctx.parallel("checks", [async () => 1], { completionConfig: { minSuccessful: -1 } }))).toBe(
      'UD_INVALID_ARGUMENT parallel "checks": completionConfig.minSuccessful must be a whole number >= 0, got -1.',
    );
  });
});
