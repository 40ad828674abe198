/**
 * Callback results in the dialect, end to end under AWS's emulator: the `createCallback` /
 * `waitForCallback` intrinsics from "use-durable" return a payload that parses as JSON parsed and
 * anything else as the raw string; `ctx.createCallback` / `ctx.waitForCallback` keep the official
 * SDK's pass-through string; an explicit `serdes` or a configured `defaultCallbackDeserializer`
 * wins over the intrinsics' default.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCallback, waitForCallback, withDurableExecution } from "../runtime/index.ts";
import type { Serdes } from "../runtime/index.ts";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const tagged = (tag: string): Serdes<string> => ({ serialize: (v) => v, deserialize: (s) => `${tag}:${s}` });

it("intrinsics parse JSON payloads and pass other text through; ctx methods pass the string; an explicit serdes wins", async () => {
  const run = await runOnEmulator(
    withDurableExecution(async (_event, ctx) => {
      const [json] = await createCallback<boolean>("json");
      const [object] = await createCallback<{ n: number }>("object");
      const [text] = await createCallback<string>("text");
      const [method] = await ctx.createCallback("method");
      const [explicit] = await createCallback("explicit", { serdes: tagged("explicit") });
      return { json: await json, object: await object, text: await text, method: await method, explicit: await explicit };
    }),
    {
      hooks: [
        { name: "json", act: (op) => op.sendCallbackSuccess("false") },
        { name: "object", act: (op) => op.sendCallbackSuccess('{"n":1}') },
        { name: "text", act: (op) => op.sendCallbackSuccess("approved") },
        { name: "method", act: (op) => op.sendCallbackSuccess("false") },
        { name: "explicit", act: (op) => op.sendCallbackSuccess("false") },
      ],
    },
  );
  expect(run.status).toBe("SUCCEEDED");
  expect(run.result).toEqual({ json: false, object: { n: 1 }, text: "approved", method: "false", explicit: "explicit:false" });
});

it("DESIGN's approval: `if (!ok)` sees false from the waitForCallback intrinsic", async () => {
  let stepDone!: () => void;
  const submitted = new Promise<void>((resolve) => (stepDone = resolve));
  const run = await runOnEmulator(
    withDurableExecution(async () => {
      const ok = await waitForCallback<boolean>("approve", async () => {}, { timeout: { minutes: 1 } });
      if (!ok) return { status: "rejected", ok };
      return { status: "approved", ok };
    }),
    {
      hooks: [
        { index: 2, when: WaitingOperationStatus.COMPLETED, act: () => stepDone() },
        { index: 1, act: async (op) => (await submitted, await op.sendCallbackSuccess("false")) },
      ],
    },
  );
  expect(run.status).toBe("SUCCEEDED");
  expect(run.result).toEqual({ status: "rejected", ok: false });
});

it("a configured defaultCallbackDeserializer wins over the intrinsics' JSON default", async () => {
  const run = await runOnEmulator(
    withDurableExecution(async (_event, ctx) => {
      ctx.configureSerdes({ defaultCallbackDeserializer: tagged("configured") });
      const [answer] = await createCallback("c");
      return answer;
    }),
    { hooks: [{ name: "c", act: (op) => op.sendCallbackSuccess("false") }] },
  );
  expect(run.result).toBe("configured:false");
});
