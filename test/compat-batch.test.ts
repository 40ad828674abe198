/**
 * Compatibility, issue 10 point 6: map and parallel start and count their items in the official
 * SDK's order. With a completion config that ends the batch early, the BatchResult (items, their
 * statuses, the counts, the reason) and the items started are the same on both SDKs under AWS's
 * emulator. The histories differ in one known way: the official SDK still records items (and
 * their steps) that finish after the batch completed, which its BatchResult calls STARTED (its
 * bugs #214 / #751: a replay then rebuilds another result); use-durable records exactly the
 * outcomes its BatchResult holds, and that is asserted instead.
 */
import type { EmulatorRun } from "./support/emulator.ts";
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Api = Pick<typeof official, "withDurableExecution">;
type Ctx = official.DurableContext;

const UNITS = new Set(["MapIteration", "ParallelBranch"]);
const unitEvents = (run: EmulatorRun, types: string[]) =>
  run.history.filter(([type, subType]) => types.includes(type) && UNITS.has(subType ?? "")).map(([, , name]) => name);

const summary = (r: official.BatchResult<unknown>) => ({
  total: r.totalCount, started: r.startedCount, succeeded: r.successCount, failed: r.failureCount,
  statuses: r.all.map((i) => `${i.index}:${i.status}`), reason: r.completionReason,
});

const cases: Record<string, (ctx: Ctx) => Promise<unknown>> = {
  "map, maxConcurrency 3, minSuccessful 2, steps": async (ctx) =>
    summary(await ctx.map("m", [1, 2, 3, 4, 5], async (c, x: number) => c.step("s", async () => x), { maxConcurrency: 3, completionConfig: { minSuccessful: 2 } })),
  "map, maxConcurrency 3, minSuccessful 2, plain bodies": async (ctx) =>
    summary(await ctx.map("m", [1, 2, 3, 4, 5], async (_c, x: number) => x, { maxConcurrency: 3, completionConfig: { minSuccessful: 2 } })),
  "map, maxConcurrency 2, minSuccessful 3, steps": async (ctx) =>
    summary(await ctx.map("m", [1, 2, 3, 4, 5, 6], async (c, x: number) => c.step("s", async () => x), { maxConcurrency: 2, completionConfig: { minSuccessful: 3 } })),
  "map, maxConcurrency 3, toleratedFailureCount 0, a failure": async (ctx) =>
    summary(await ctx.map("m", [1, 2, 3, 4, 5], async (c, x: number) => c.step("s", async () => {
      if (x === 2) throw new Error("no");
      return x;
    }, { retryStrategy: () => ({ shouldRetry: false }) }), { maxConcurrency: 3, completionConfig: { toleratedFailureCount: 0 } })),
  "map, maxConcurrency 3, minSuccessful 2, one item waiting on a callback": async (ctx) =>
    summary(await ctx.map("m", [0, 1, 2, 3], async (c, i: number) => {
      if (i === 1) await (await c.createCallback("never"))[0];
      return c.step("s", async () => i);
    }, { maxConcurrency: 3, completionConfig: { minSuccessful: 2 } })),
  "parallel, maxConcurrency 3, minSuccessful 2": async (ctx) =>
    summary(await ctx.parallel("p", [1, 2, 3, 4].map((x) => async (c: Ctx) => c.step(`b${x}`, async () => x)), { maxConcurrency: 3, completionConfig: { minSuccessful: 2 } })),
  "map, no limit, minSuccessful 1, steps": async (ctx) =>
    summary(await ctx.map("m", [1, 2, 3], async (c, x: number) => c.step("s", async () => x), { completionConfig: { minSuccessful: 1 } })),
};

describe("batch scheduling, on both SDKs", () => {
  for (const [name, body] of Object.entries(cases)) {
    test(name, async () => {
      const theirs = await runOnEmulator(official.withDurableExecution(async (_e: unknown, ctx: Ctx) => body(ctx)) as never);
      const mine = await runOnEmulator((ours as unknown as Api).withDurableExecution(async (_e: unknown, ctx: Ctx) => body(ctx)) as never);
      expect(theirs.status).toBe("SUCCEEDED");
      expect(mine.result).toEqual(theirs.result);
      expect(unitEvents(mine, ["ContextStarted"])).toEqual(unitEvents(theirs, ["ContextStarted"]));
      const result = mine.result as ReturnType<typeof summary>;
      const prefix = name.startsWith("map") ? "map-item" : "parallel-branch";
      const finished = result.statuses.filter((s) => !s.endsWith(":STARTED")).map((s) => `${prefix}-${s.split(":")[0]}`);
      expect(unitEvents(mine, ["ContextSucceeded", "ContextFailed"]).sort()).toEqual(finished.sort());
    });
  }
});
