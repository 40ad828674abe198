/**
 * Compatibility, issue 10 point 1: an operation called on a context other than the one whose body
 * is running (the parent's ctx inside runInChildContext, a sibling branch's, any ctx inside a step
 * body or a waitForCondition check) fails the execution with the official SDK's error text. Each
 * handler runs on both SDKs under AWS's emulator: same status, error, history and operations.
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { comparable } from "./support/twins.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Api = Pick<typeof official, "createWaitStrategy" | "withDurableExecution">;
type Body = (api: Api) => (event: any, ctx: official.DurableContext) => Promise<unknown>;

const misuses: Record<string, { body: Body; message: string }> = {
  "the parent's step inside runInChildContext": {
    body: () => async (_event, ctx) => ctx.runInChildContext("child", async () => ctx.step("s", async () => "ran")),
    message: 'Context usage error in "step": You are using a parent or sibling context instead of the current child context. Expected context ID: "1", but got: "undefined". When inside runInChildContext(), you must use the child context parameter, not the parent context.',
  },
  "a step inside a step body": {
    body: () => async (_event, ctx) => ctx.step("outer", async () => ctx.step("inner", async () => "ran")),
    message: 'Context usage error in "step": You are using a parent or sibling context instead of the current child context. Expected context ID: "1", but got: "undefined". When inside runInChildContext(), you must use the child context parameter, not the parent context.',
  },
  "a wait inside a waitForCondition check": {
    body: (api) => async (_event, ctx) => {
      await ctx.step("first", async () => 1);
      return ctx.waitForCondition("poll", async (state: number) => (await ctx.wait("w", { seconds: 1 }), state + 1), {
        initialState: 0,
        waitStrategy: api.createWaitStrategy({ shouldContinuePolling: (s: number) => s < 2 }),
      });
    },
    message: 'Context usage error in "wait": You are using a parent or sibling context instead of the current child context. Expected context ID: "2", but got: "undefined". When inside runInChildContext(), you must use the child context parameter, not the parent context.',
  },
  "a sibling branch's context inside parallel": {
    // Branch 1 uses branch 0's context while branch 0's step is still running: nothing completes
    // before the misuse, so both SDKs record the same starts.
    body: () => async (_event, ctx) => {
      let first!: official.DurableContext;
      let running!: () => void;
      const aRuns = new Promise<void>((resolve) => (running = resolve));
      return ctx.parallel("fan", [
        async (c) => ((first = c), c.step("a", async () => (running(), new Promise(() => {})))),
        async () => (await aRuns, first.wait("w", { seconds: 1 })),
      ]);
    },
    message: 'Context usage error in "wait": You are using a parent or sibling context instead of the current child context. Expected context ID: "1-2", but got: "1-1". When inside runInChildContext(), you must use the child context parameter, not the parent context.',
  },
  "the parent's map inside a nested child": {
    body: () => async (_event, ctx) =>
      ctx.runInChildContext("outer", async (outer) => outer.runInChildContext("inner", async () => outer.map([1], async (_c, x: number) => x))),
    message: 'Context usage error in "map": You are using a parent or sibling context instead of the current child context. Expected context ID: "1-1", but got: "1". When inside runInChildContext(), you must use the child context parameter, not the parent context.',
  },
};

describe("context usage checks, on both SDKs", () => {
  for (const [name, misuse] of Object.entries(misuses)) {
    test(name, async () => {
      const theirs = await runOnEmulator(official.withDurableExecution(misuse.body(official) as never) as never);
      const mine = await runOnEmulator(ours.withDurableExecution(misuse.body(ours as unknown as Api) as never));
      expect(theirs.status).toBe("FAILED");
      expect(theirs.error?.errorMessage).toBe(misuse.message);
      expect(comparable(mine)).toEqual(comparable(theirs));
    });
  }

  test("use-durable does not run the misused operation (the official SDK runs its body, then drops its checkpoints)", async () => {
    let runs = 0;
    const run = await runOnEmulator(
      ours.withDurableExecution(async (_event, ctx) => ctx.runInChildContext("child", async () => ctx.step("s", async () => ++runs))),
    );
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorType).toBe("Error");
    expect(runs).toBe(0);
  });

  test("the right context passes, in every kind of body", async () => {
    const body: Body = () => async (_event, ctx) => {
      const a = await ctx.runInChildContext("child", async (c) => c.step("s", async () => "ran"));
      const b = await ctx.parallel("fan", [async (c) => c.runInChildContext(async (g) => g.step(async () => 2))]);
      return [a, b.getResults()];
    };
    const theirs = await runOnEmulator(official.withDurableExecution(body(official) as never) as never);
    const mine = await runOnEmulator(ours.withDurableExecution(body(ours as unknown as Api) as never));
    expect(mine.status).toBe("SUCCEEDED");
    expect(comparable(mine)).toEqual(comparable(theirs));
  });
});
