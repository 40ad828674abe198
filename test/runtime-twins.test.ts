/**
 * Twins: each handler body is written once against the official API and run twice under AWS's
 * emulator, wrapped by @aws/durable-execution-sdk-js and by use-durable. Both must produce the
 * same status, result, history and operations (ids and parent ids included), which is what makes
 * a history written by one replayable by the other (test/support/twins.ts says what is compared).
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { MemoryClient } from "./support/memory-client.ts";
import { realSleep } from "./support/real-clock.ts";
import { alternating, comparable } from "./support/twins.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Api = Pick<typeof official, "createRetryStrategy" | "StepSemantics" | "JitterStrategy">;
type Body = (api: Api) => (event: any, ctx: official.DurableContext) => Promise<unknown>;

const twins: Record<string, Body> = {
  "steps and waits": () => async (event, ctx) => {
    const a = await ctx.step(async () => event.n + 1);
    const b = await ctx.step("double", async () => a * 2);
    await ctx.wait("pause", { minutes: 5 });
    await ctx.wait({ seconds: 10 });
    return { a, b, c: await ctx.step("last", async () => "ok") };
  },
  "nested child contexts": () => async (_event, ctx) => {
    const sum = await ctx.runInChildContext("outer", async (outer) => {
      const x = await outer.step("x", async () => 1);
      const y = await outer.runInChildContext(async (inner) => {
        await inner.wait("inner-wait", { seconds: 3 });
        return inner.step("y", async () => 2);
      });
      return x + y;
    });
    const again = await ctx.runInChildContext("second", async (c) => c.step(async () => sum * 10));
    return again;
  },
  "retries with backoff": (api) => {
    let calls = 0; // outside the handler: it counts attempts across invocations
    return async (_event, ctx) => ctx.step("flaky", async () => {
      if (++calls < 3) throw new Error("not yet");
      return "third time";
    }, { retryStrategy: api.createRetryStrategy({ maxAttempts: 4, initialDelay: { seconds: 3 }, jitter: api.JitterStrategy.NONE }) });
  },
  "a caught step failure and an at-most-once step": (api) => async (_event, ctx) => {
    let caught = "";
    try {
      await ctx.step("fails", async () => {
        throw new RangeError("bad range");
      }, { retryStrategy: api.createRetryStrategy({ maxAttempts: 1 }) });
    } catch (error) {
      caught = `${(error as Error).name}: ${(error as Error).message}`;
    }
    const once = await ctx.step("once", async () => "done", { semantics: api.StepSemantics.AtMostOncePerRetry });
    return { caught, once };
  },
  "concurrent steps and a large child result": () => async (_event, ctx) => {
    const [a, b] = await Promise.all([ctx.step("a", async () => "A"), ctx.step("b", async () => "B")]);
    const big = await ctx.runInChildContext("big", async (c) => {
      const part = await c.step("part", async () => "z".repeat(200 * 1024));
      return part + "z".repeat(100 * 1024);
    });
    await ctx.wait("after-big", { seconds: 2 });
    return `${a}${b}${big.length}`;
  },
  // Each body starts one microtask after its START (as in the official SDK), so both STARTs come first.
  "child contexts started together": () => async (_event, ctx) => {
    const [a, b] = await Promise.all([
      ctx.runInChildContext("a", async (c) => c.step("a-step", async () => "A")),
      ctx.runInChildContext("b", async (c) => {
        const first = await c.step("b-step", async () => "B");
        await c.wait("b-wait", { seconds: 1 });
        return first;
      }),
    ]);
    return a + b;
  },
  // Steps that take real time: use-durable holds each START to send it with the outcome (issue 14);
  // the order of the updates, and so the history, must stay the official SDK's. b ends after a by
  // construction (it waits for a), not by a timing margin.
  "steps doing I/O, in a row and side by side": () => async (_event, ctx) => {
    const first = await ctx.step("io-1", async () => (await realSleep(3), 1));
    const second = await ctx.step("io-2", async () => (await realSleep(3), 2));
    let release = (): void => {};
    const aDone = new Promise<void>((resolve) => (release = resolve));
    const [a, b] = await Promise.all([
      ctx.step("io-a", async () => {
        await realSleep(3);
        release();
        return "A";
      }),
      ctx.step("io-b", async () => {
        await aDone;
        await realSleep(3);
        return "B";
      }),
    ]);
    return `${first}${second}${a}${b}`;
  },
  "an uncaught failure fails the execution": (api) => async (_event, ctx) => {
    await ctx.step("ok", async () => 1);
    await ctx.runInChildContext("boom-context", async (c) => {
      await c.step("boom", async () => {
        throw new Error("kaput");
      }, { retryStrategy: api.createRetryStrategy({ maxAttempts: 1 }) });
    });
  },
};

describe("twins: the same handler on the official SDK and on use-durable", () => {
  for (const [name, body] of Object.entries(twins)) {
    test(name, async () => {
      const theirs = await runOnEmulator(official.withDurableExecution(body(official) as never) as never, { payload: { n: 1 } });
      const mine = await runOnEmulator(ours.withDurableExecution(body(ours as unknown as Api) as never), { payload: { n: 1 } });
      expect(theirs.history.length).toBeGreaterThan(3);
      expect(comparable(mine)).toEqual(comparable(theirs));
      expect(mine.invocations).toBeGreaterThanOrEqual(theirs.invocations);
    });
  }
});

describe("histories are interchangeable", () => {
  const names = ["steps and waits", "nested child contexts", "concurrent steps and a large child result"];

  for (const name of names) {
    test(`use-durable writes, the official SDK replays: ${name}`, async () => {
      const body = twins[name]!;
      const theirs = official.withDurableExecution(body(official) as never) as unknown as (e: unknown, c: unknown) => Promise<unknown>;
      const mine = ours.withDurableExecution(body(ours as unknown as Api) as never);
      const { handler, used } = alternating(mine, theirs);
      const reference = await runOnEmulator(theirs, { payload: { n: 1 } });
      const mixed = await runOnEmulator(handler, { payload: { n: 1 } });
      expect(used.slice(0, 2)).toEqual(["ours", "official"]);
      expect(comparable(mixed)).toEqual(comparable(reference));
    });

    // The official SDK waits in-process under the emulator's skipped time, so to make it write a
    // suspended history we drive both against the in-memory service, where its waits never end early.
    test(`the official SDK writes, use-durable replays: ${name}`, async () => {
      const body = twins[name]!;
      const run = async (pick: (invocation: number) => "official" | "ours") => {
        const service = new MemoryClient({ n: 1 });
        service.now = Date.now();
        const config = { durableExecutionClient: service };
        const theirs = official.withDurableExecution(body(official) as never, config as never) as unknown as (e: unknown, c: unknown) => Promise<ours.DurableExecutionInvocationOutput>;
        const mine = ours.withDurableExecution(body(ours as unknown as Api) as never, config);
        let invocation = 0;
        const { output, invocations } = await service.drive((event, c) => (pick(++invocation) === "official" ? theirs(event, c) : mine(event, c)));
        const operations = service.visible().map(({ Id, ParentId, Type, SubType, Name, Status }) => ({ Id, ParentId, Type, SubType, Name, Status }));
        return { output, invocations, operations };
      };
      const reference = await run(() => "official");
      const mixed = await run((i) => (i % 2 === 1 ? "official" : "ours"));
      expect(reference.invocations).toBeGreaterThan(1);
      expect(mixed).toEqual(reference);
    });
  }
});
