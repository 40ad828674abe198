/**
 * The updates themselves: every OperationUpdate each runtime sends (payloads, options, errors,
 * ids) recorded between the handler and AWS's emulator, for the same handler on the official SDK
 * and on use-durable. Identical update streams are what make the two runtimes' checkpoints
 * interchangeable byte for byte, beyond the [EventType, SubType, Name] histories.
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import type { OperationUpdate } from "../runtime/protocol/wire.ts";
import type { EmulatorOptions, LambdaHandler } from "./support/emulator.ts";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Body = (event: any, ctx: official.DurableContext) => Promise<unknown>;

/** Runs the handler with the emulator's client wrapped so every update sent is kept, in order. */
async function recordUpdates(handler: LambdaHandler, options?: EmulatorOptions) {
  const updates: OperationUpdate[] = [];
  const recording: LambdaHandler = (event, lambdaContext) => {
    const client = event.durableExecutionClient;
    event.durableExecutionClient = {
      checkpoint: (request: { Updates?: OperationUpdate[] }) => {
        updates.push(...structuredClone(request.Updates ?? []));
        return client.checkpoint(request);
      },
      getExecutionState: (request: unknown) => client.getExecutionState(request),
    };
    return handler(event, lambdaContext);
  };
  const run = await runOnEmulator(recording, options);
  return { run, updates: JSON.parse(JSON.stringify(updates)) as OperationUpdate[] };
}

// Outside the handlers: attempts are counted across invocations; reset before each run.
let first = true;

const cases: Record<string, { body: Body; options?: () => EmulatorOptions }> = {
  "callback options": {
    body: async (_e, ctx) => {
      const [p] = await ctx.createCallback("cb", { timeout: { minutes: 2 }, heartbeatTimeout: { seconds: 30 } });
      return p;
    },
    options: () => ({ hooks: [{ name: "cb", act: (op) => op.sendCallbackSuccess('"x"') }] }),
  },
  "invoke payload, function name and tenant": {
    body: async (_e, ctx) => ctx.invoke("call", "echo-fn", { a: [1, 2] }, { tenantId: "tenant-7" }),
    options: () => ({ functions: { "echo-fn": async (e: unknown) => e } }),
  },
  "waitForCondition RETRY payloads and delays": {
    body: async (_e, ctx) =>
      ctx.waitForCondition("poll", async (s: number) => s + 2, {
        initialState: 1,
        waitStrategy: official.createWaitStrategy({ shouldContinuePolling: (s: number) => s < 5, jitter: official.JitterStrategy.NONE, initialDelay: { seconds: 3 }, backoffRate: 2 }),
      }),
  },
  "map payload with failed items and their error chains": {
    body: async (_e, ctx) => {
      const r = await ctx.map("m", [1, 2, 3], async (c, x: number) => {
        if (x === 2) throw new RangeError("two is bad");
        return c.step(async () => ({ x }));
      }, { maxConcurrency: 1, completionConfig: { toleratedFailurePercentage: 50 } });
      return r.completionReason;
    },
  },
  "parallel payload over 256 KiB: item and batch summaries with ReplayChildren": {
    body: async (_e, ctx) => {
      const r = await ctx.parallel("p", [
        async (c) => (await c.step("part", async () => "b".repeat(200 * 1024))) + "b".repeat(100 * 1024),
        async () => "small",
      ], { maxConcurrency: 1, completionConfig: { minSuccessful: 2 } }); // concurrent completions may interleave differently
      return r.getResults().map((v) => (v as string).length);
    },
  },
  "waitForCallback with a submitter that fails once": {
    body: async (_e, ctx) => {
      return ctx.waitForCallback("approve", async () => {
        if (first) {
          first = false;
          throw new Error("flaky mail");
        }
      }, { retryStrategy: (_err, n) => ({ shouldRetry: n < 3, delay: { seconds: 1 } }) });
    },
    // The callback (op 1) is answered once the submitter step (op 2) has completed, its retry included.
    options: () => {
      let submitted!: () => void;
      const gate = new Promise<void>((resolve) => (submitted = resolve));
      return {
        hooks: [
          { index: 2, when: WaitingOperationStatus.COMPLETED, act: () => submitted() },
          { index: 1, act: async (op) => (await gate, await op.sendCallbackSuccess('"ok"')) },
        ],
      };
    },
  },
};

describe("the updates sent are the official SDK's", () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      first = true;
      const theirs = await recordUpdates(official.withDurableExecution(c.body as never) as never, c.options?.());
      first = true;
      const mine = await recordUpdates(ours.withDurableExecution(c.body as never), c.options?.());
      expect(theirs.run.status).toBe("SUCCEEDED");
      expect(mine.run.error).toBeUndefined();
      expect(mine.run.result).toEqual(theirs.run.result);
      expect(mine.updates).toEqual(theirs.updates);
    });
  }
});
