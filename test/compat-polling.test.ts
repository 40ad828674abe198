/**
 * Compatibility, issue 10 point 2: while a step body runs in one branch, a wait, a retry timer, a
 * callback or an invoke that completes in another branch is noticed by polling the service, and
 * the execution carries on in the same invocation, as on the official SDK. Each long step waits
 * for a signal that an emulator hook gives once the other branch has completed (a real-clock
 * fallback after 20 s only decides how a broken build fails), so the order of events is fixed by
 * the handler, not by timing. Then, with the in-memory service and fake timers: the
 * official cadence, the remaining-time bound, and nothing sent when nothing else runs.
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as ours from "../runtime/index.ts";
import type { EmulatorOptions } from "./support/emulator.ts";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { MemoryClient } from "./support/memory-client.ts";
import { realSleep } from "./support/real-clock.ts";
import { comparable } from "./support/twins.ts";

type Api = Pick<typeof official, "withDurableExecution">;
type Ctx = official.DurableContext;

/** A step that runs until `signal` is given (or 20 s of real time pass: then it says so). */
const longStep = (ctx: Ctx, signal: Promise<void>) =>
  ctx.step("long", async () => Promise.race([signal.then(() => "signalled"), realSleep(20_000).then(() => "gave up waiting")]));

interface Case {
  /** The branch beside the long step. */
  other: (ctx: Ctx) => Promise<unknown>;
  /** Hooks acting on the other branch's operations. */
  hooks?: NonNullable<EmulatorOptions["hooks"]>;
  functions?: EmulatorOptions["functions"];
}

const cases: Record<string, Case> = {
  "two waits in a row beside a long step (the issue's example)": {
    other: async (b) => {
      await b.wait("w1", { seconds: 1 });
      await b.wait("w2", { seconds: 1 });
      return "waited";
    },
  },
  "a step retried beside a long step": {
    other: (b) =>
      b.step("flaky", async ({ attempt }) => {
        if (attempt < 2) throw new Error("try again");
        return attempt;
      }, { retryStrategy: (_e, attempt) => ({ shouldRetry: attempt < 3, delay: { seconds: 1 } }) }),
  },
  "a callback answered while a step runs": {
    other: async (b) => {
      const [promise] = await b.createCallback("approval", { timeout: { minutes: 5 } });
      return promise;
    },
    hooks: [{ name: "approval", act: (op) => op.sendCallbackSuccess("yes") }],
  },
  "an invoke that returns while a step runs": {
    other: (b) => b.invoke("price", "pricing-fn", { sku: "a" }),
    functions: { "pricing-fn": async () => ({ cents: 120 }) },
  },
};

describe("polling while work runs, on both SDKs under the emulator", () => {
  beforeAll(startEmulator);
  afterAll(stopEmulator);

  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const run = async (api: Api) => {
        let done!: () => void;
        const signal = new Promise<void>((resolve) => (done = resolve));
        const handler = api.withDurableExecution(async (_event: unknown, ctx: Ctx) => {
          const result = await ctx.parallel("fan", [(b) => longStep(b, signal), c.other]);
          return result.getResults();
        });
        const otherBranchDone = { name: "parallel-branch-1", when: WaitingOperationStatus.COMPLETED, act: done };
        // Invocations counted here: the emulator counts InvocationCompleted events, and the last one
        // can land after the run has resolved.
        let invocations = 0;
        const counted = (event: unknown, context: unknown) => (invocations++, (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, context));
        const result = await runOnEmulator(counted, { hooks: [...(c.hooks ?? []), otherBranchDone], ...(c.functions && { functions: c.functions }) });
        return { ...result, invocations };
      };
      const theirs = await run(official);
      const mine = await run(ours as unknown as Api);
      // "signalled": the long step was still running when the other branch completed, which only
      // polling allows.
      expect(theirs.status).toBe("SUCCEEDED");
      expect((theirs.result as unknown[])[0]).toBe("signalled");
      expect(theirs.invocations).toBe(1);
      expect(mine.invocations).toBe(1);
      expect(comparable(mine)).toEqual(comparable(theirs));
    });
  }
});

describe("the poll cadence, with the in-memory service", () => {
  afterEach(() => vi.useRealTimers());

  /** An invoke that never returns beside a step that runs for `seconds` of fake time. */
  const run = async (seconds: number, remainingMs: number | undefined) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const start = Date.now();
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) =>
      ctx.parallel([
        (b) => b.step("long", () => new Promise((resolve) => setTimeout(resolve, seconds * 1000))),
        (b) => b.invoke("never", "never-fn", {}),
      ]), { durableExecutionClient: service });
    const lambda = remainingMs === undefined ? {} : { getRemainingTimeInMillis: () => remainingMs - (Date.now() - start) };
    const output = handler(service.event(), lambda);
    await vi.advanceTimersByTimeAsync(seconds * 1000 + 100);
    return { output: await output, emptyCheckpoints: service.requests.filter((r) => (r.Updates ?? []).length === 0).length };
  };

  test("empty checkpoints 1 s after the invoke started, then 1, 2, 3 ... s apart", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const service = new MemoryClient({});
    const at: number[] = [];
    const start = Date.now();
    const checkpoint = service.checkpoint.bind(service);
    service.checkpoint = async (request) => {
      if ((request.Updates ?? []).length === 0) at.push(Math.round((Date.now() - start) / 1000));
      return checkpoint(request);
    };
    const handler = ours.withDurableExecution(async (_e, ctx) =>
      ctx.parallel([
        (b) => b.step("long", () => new Promise((resolve) => setTimeout(resolve, 30_000))),
        (b) => b.invoke("never", "never-fn", {}),
      ]), { durableExecutionClient: service });
    const output = handler(service.event(), { getRemainingTimeInMillis: () => 900_000 });
    await vi.advanceTimersByTimeAsync(30_100);
    expect(await output).toEqual({ Status: "PENDING" });
    expect(at).toEqual([1, 2, 4, 7, 11, 16, 22, 29]);
  });

  test("no poll is armed past the invocation's remaining time less 1 s", async () => {
    const { emptyCheckpoints } = await run(30, 5_500);
    expect(emptyCheckpoints).toBe(3); // at 1, 2 and 4 s; the next (7 s) would start after 4.5 s
  });

  test("nothing is sent when nothing else runs, or nothing is awaited", async () => {
    const { emptyCheckpoints, output } = await run(0, 900_000);
    expect(output).toEqual({ Status: "PENDING" });
    expect(emptyCheckpoints).toBe(0);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) => {
      await ctx.step("a", async () => 1);
      await ctx.step("b", () => new Promise((resolve) => setTimeout(resolve, 20_000)));
      await ctx.wait("w", { seconds: 30 });
    }, { durableExecutionClient: service });
    const sequential = handler(service.event(), { getRemainingTimeInMillis: () => 900_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await sequential).toEqual({ Status: "PENDING" });
    // one request per step result and the wait's START, no empty checkpoint: an AtLeastOnce START is
    // held for its outcome (runtime/SPEC.md, "Checkpoint round trips"); the hold's 20 ms are real time,
    // which the fake clock's 20 s step never lets pass, so b's START rides with its SUCCEED too
    expect(service.requests.map((r) => (r.Updates ?? []).map((u) => u.Action).join("+"))).toEqual(["START+SUCCEED", "START+SUCCEED", "START"]);
  });
});
