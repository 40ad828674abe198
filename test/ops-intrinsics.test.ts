/**
 * The operation intrinsics imported from "use-durable" (createCallback, waitForCallback, invoke,
 * waitForCondition, map, parallel) find the current context at run time, take the DurableContext
 * method's parameters, and refuse to run outside a durable function or inside a step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCallback, createWaitStrategy, invoke, map, parallel, step, waitForCallback, waitForCondition, withDurableExecution,
} from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

describe("operation intrinsics", () => {
  it("work inside plain code called from a durable handler, with the DurableContext parameters", async () => {
    // Operation positions: 0 ping, 1-3 map, 4-6 parallel, 7 invoke, 8 poll, 9 approve, 10 its callback.
    // Plain helpers, no context passed around: what compiled code and hand-written helpers look like.
    const approve = () => waitForCallback<string>("approve", async () => {}, { timeout: { days: 2 } });
    const price = (skus: string[]) => map("price", skus, async (_c, sku: string) => sku.length * 100);
    const run = await runOnEmulator(
      withDurableExecution(async () => {
        const [promise, id] = await createCallback("ping");
        const prices = (await price(["ab", "abc"])).getResults();
        const both = (await parallel("two", [async () => "x", async () => "y"])).getResults();
        const echoed = await invoke("echo", "echo-fn", { prices });
        const polled = await waitForCondition("poll", async (n: number) => n + 1, {
          initialState: 0,
          waitStrategy: createWaitStrategy({ shouldContinuePolling: (n: number) => n < 2, jitter: "NONE" }),
        });
        return { ping: await promise, idIssued: id.length > 0, prices, both, echoed, polled, approval: await approve() };
      }),
      {
        functions: { "echo-fn": async (event: unknown) => event },
        hooks: [
          { name: "ping", act: (op) => op.sendCallbackSuccess('"pong"') },
          { index: 10, act: (op) => op.sendCallbackSuccess('"yes"') },
        ],
      },
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      // The callback intrinsics return JSON payloads parsed (runtime/SPEC.md, "Callback results in the dialect").
      ping: "pong", idIssued: true, prices: [200, 300], both: ["x", "y"], echoed: { prices: [200, 300] }, polled: 2, approval: "yes",
    });
  });

  it("name the call and the fix outside a durable function and inside a step", async () => {
    expect(() => map([1], async () => 1)).toThrow(/map\(\) was called outside a durable function/);
    expect(() => invoke("fn")).toThrow(/invoke\(\) was called outside/);
    const run = await runOnEmulator(
      withDurableExecution(async () => step("inside", async () => createCallback()).catch((error: Error) => error.message)),
    );
    expect(run.result).toMatch(/createCallback\(\) was called inside a step/);
  });
});
