/**
 * Twins for the operations: each handler is written once against the official API and run under
 * AWS's emulator both with @aws/durable-execution-sdk-js and with use-durable. Status, result,
 * the [EventType, SubType, Name] history (InvocationCompleted left out, see support/twins.ts) and
 * the operations with their ids and parent ids must be identical. One case is also run with the
 * invocations alternating between the two runtimes.
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import type { EmulatorOptions } from "./support/emulator.ts";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { alternating, comparable } from "./support/twins.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Api = Pick<typeof official, "createWaitStrategy" | "withDurableExecution">;
type Body = (api: Api) => (event: any, ctx: official.DurableContext) => Promise<unknown>;
interface Twin {
  body: Body;
  options?: (api: Api) => EmulatorOptions;
}

const noRetry = { retryStrategy: () => ({ shouldRetry: false }) };

const twins: Record<string, Twin> = {
  "map, one at a time, with tolerated failures and item names": {
    body: () => async (_event, ctx) => {
      const result = await ctx.map("orders", [1, 2, 3, 4], async (c, x: number) => {
        const v = await c.step("price", async () => {
          if (x === 3) throw new Error("no price");
          return x * 100;
        }, noRetry);
        return v;
      }, { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 1 }, itemNamer: (x: number) => `order-${x}` });
      return { results: result.getResults(), failed: result.failed().map((i) => i.index), reason: result.completionReason };
    },
  },
  "map, concurrent, with a wait in each item": {
    body: () => async (_event, ctx) => {
      const result = await ctx.map("fan", ["a", "b", "c"], async (c, s: string) => {
        await c.wait("cool", { seconds: 2 });
        return c.step("shout", async () => s.toUpperCase());
      }, { maxConcurrency: 2 });
      return result.getResults();
    },
  },
  "map with flat nesting": {
    body: () => async (_event, ctx) => {
      const result = await ctx.map("flat", [1, 2, 3], async (c, x: number) => c.step("double", async () => x * 2), { nesting: "FLAT" as never });
      return result.getResults();
    },
  },
  "parallel with named branches and a child context": {
    body: () => async (_event, ctx) => {
      const result = await ctx.parallel("fan-out", [
        async (c) => c.step("a", async () => 1),
        { name: "second", func: async (c) => c.runInChildContext("inner", async (i) => i.step("b", async () => 2)) },
      ]);
      return result.getResults();
    },
  },
  "waitForCondition polling to a state": {
    body: (api) => async (_event, ctx) =>
      ctx.waitForCondition("poll", async (state: { n: number }) => ({ n: state.n + 1 }), {
        initialState: { n: 0 },
        waitStrategy: api.createWaitStrategy({ shouldContinuePolling: (s: { n: number }) => s.n < 3, jitter: "NONE" as never, initialDelay: { seconds: 2 } }),
      }),
  },
  "invoke a durable function and a plain one": {
    body: () => async (_event, ctx) => {
      const a = await ctx.invoke("sq", "square-fn", { n: 4 });
      const b = await ctx.invoke("echo-fn", { text: "hello" }); // (name, functionName) would be two strings
      return { a, b };
    },
    options: (api) => ({
      durableFunctions: { "square-fn": api.withDurableExecution(async (e: { n: number }, c: official.DurableContext) => c.step("sq", async () => e.n * e.n)) as never },
      functions: { "echo-fn": async (e: unknown) => ({ echo: e }) },
    }),
  },
  "createCallback and waitForCallback answered from outside": {
    body: () => async (_event, ctx) => {
      const [promise] = await ctx.createCallback("first", { timeout: { minutes: 5 } });
      const first = await promise;
      const second = await ctx.waitForCallback("second", async () => {}, { timeout: { minutes: 5 } });
      return { first, second };
    },
    options: () => {
      let submitted!: () => void;
      const gate = new Promise<void>((resolve) => (submitted = resolve));
      return {
        hooks: [
          { name: "first", act: (op) => op.sendCallbackSuccess('"one"') },
          { index: 3, when: WaitingOperationStatus.COMPLETED, act: () => submitted() },
          { index: 2, act: async (op) => (await gate, await op.sendCallbackSuccess('"two"')) },
        ],
      };
    },
  },
  "promise.all and allSettled over steps": {
    body: () => async (_event, ctx) => {
      const all = await ctx.promise.all("all", [ctx.step("x", async () => 1), ctx.step("y", async () => 2)]);
      const settled = await ctx.promise.allSettled("settled", [ctx.step("ok", async () => "fine")]);
      return { all, settled };
    },
  },
};

describe("twins: the same operations on the official SDK and on use-durable", () => {
  for (const [name, twin] of Object.entries(twins)) {
    test(name, async () => {
      const theirs = await runOnEmulator(official.withDurableExecution(twin.body(official) as never) as never, twin.options?.(official));
      const mine = await runOnEmulator(ours.withDurableExecution(twin.body(ours as unknown as Api) as never), twin.options?.(ours as unknown as Api));
      expect(theirs.status).toBe("SUCCEEDED");
      expect(comparable(mine)).toEqual(comparable(theirs));
    });
  }
});

describe("histories are interchangeable", () => {
  const alternatingCases = ["map, concurrent, with a wait in each item", "waitForCondition polling to a state", "invoke a durable function and a plain one"];
  for (const name of alternatingCases) {
    test(`invocations alternating between the two runtimes: ${name}`, async () => {
      const twin = twins[name]!;
      const theirs = official.withDurableExecution(twin.body(official) as never) as unknown as (e: unknown, c: unknown) => Promise<unknown>;
      const mine = ours.withDurableExecution(twin.body(ours as unknown as Api) as never);
      const { handler, used } = alternating(mine, theirs);
      const reference = await runOnEmulator(theirs, twin.options?.(official));
      const mixed = await runOnEmulator(handler, twin.options?.(official));
      expect(used.slice(0, 2)).toEqual(["ours", "official"]);
      expect(comparable(mixed)).toEqual(comparable(reference));
    });
  }
});
