/**
 * What users coming from Vercel Workflow expect, on the in-memory service: sleep's duration
 * strings, milliseconds and Dates; FatalError and RetryableError({ retryAfter }) honoured by the
 * retry strategy of compiled code; stepMetadata(); the error that names the missing build plugin
 * when "use durable" code was never compiled; durableFunction(). This file must not import
 * use-durable/internal before the plugin test: loading it is what tells the runtime that compiled
 * code exists.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { FatalError, RetryableError, durableFunction, retryPresets, sleep, step, stepMetadata, withDurableExecution } from "../runtime/index.ts";
import type { DurableLambdaHandler, StepMetadata } from "../runtime/index.ts";
import { MemoryClient } from "./support/memory-client.ts";

const on = (service: MemoryClient, body: () => Promise<unknown>) => withDurableExecution(body, { durableExecutionClient: service });

describe("the build plugin, when it is missing", () => {
  test("an intrinsic called outside any execution, with nothing compiled, says the plugin is missing and how to add it", () => {
    expect(() => sleep("1s")).toThrow(/no module of this program was compiled by use-durable: a "use durable" function is only durable once the build plugin compiles it\. Add the plugin to your build: esbuild `plugins: \[durable\(\)\]`/);
    expect(() => durableFunction(async () => 1)).toThrow(/it was not compiled by use-durable .* Add the plugin/);
  });

  test("a bundle built without the plugin: its \"use durable\" handler fails with that message", async () => {
    const result = await build({
      stdin: {
        contents: `import { sleep } from "use-durable";\nexport async function handler(order) {\n  "use durable";\n  await sleep("1s");\n  return order;\n}\n`,
        resolveDir: fileURLToPath(new URL("..", import.meta.url)),
        loader: "ts",
      },
      bundle: true, format: "esm", platform: "node", target: "node22", conditions: ["source"], external: ["@aws-sdk/*"], write: false, logLevel: "silent",
    });
    const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString("base64")}`;
    const { handler } = (await import(url)) as { handler: (event: unknown) => Promise<unknown> };
    const service = new MemoryClient({ id: 1 });
    await expect(handler(service.event())).rejects.toThrow(/sleep\(\) was called outside a durable function, and no module of this program was compiled by use-durable.*Add the plugin/);
  });

  test("durableFunction gives a compiled function its run-time type, unchanged: a Lambda handler and its source signature, without a cast", async () => {
    const internal = await import("../runtime/internal.ts");
    const checkout = internal.durable(async (order: { id: string }) => order.id, { name: "checkout" });
    const handler = durableFunction(checkout);
    expect(handler).toBe(checkout);
    // Type-checked by `npm run typecheck`: the Lambda handler type and the source signature both hold.
    // (AWS's LocalDurableTestRunner types its output with the official SDK's enums, which no other
    // runtime's string literals satisfy, so it still needs `as never`.)
    const lambda: DurableLambdaHandler = handler;
    const fromDurableCode: (order: { id: string }) => Promise<string> = handler;
    expect([lambda, fromDurableCode]).toEqual([checkout, checkout]);
  });
});

describe("Vercel Workflow's forms in the dialect", () => {
  test("sleep takes duration strings, milliseconds, a Duration and a Date on the durable clock; a past Date does not wait", async () => {
    const service = new MemoryClient({});
    const start = service.now;
    await service.drive(on(service, async () => {
      await sleep("5s");
      await sleep("1h 30m");
      await sleep("nap", "2 days");
      await sleep(1500);
      await sleep({ minutes: 1 });
      await sleep(new Date(start + 90_000));
      await sleep(new Date(0));
    }) as never);
    const waits = service.updates().filter((u) => u.Type === "WAIT").map((u) => [u.Name ?? null, u.WaitOptions?.WaitSeconds]);
    // The Date is 90 s after the execution's start; the clock then stands at the end of the waits
    // before it, so it is not waited for again.
    expect(waits).toEqual([[null, 5], [null, 5400], ["nap", 172_800], [null, 2], [null, 60]]);
    expect(() => sleep("5 fortnights")).toThrow();
    const bad = new MemoryClient({});
    const { output } = await bad.drive(on(bad, async () => sleep("5 fortnights")) as never);
    expect(output).toMatchObject({ Status: "FAILED" });
  });

  test("a Date not yet reached is waited for until it, measured on the durable clock", async () => {
    const service = new MemoryClient({});
    const start = service.now;
    await service.drive(on(service, async () => sleep(new Date(start + 90_500))) as never);
    expect(service.updates().filter((u) => u.Type === "WAIT").map((u) => u.WaitOptions?.WaitSeconds)).toEqual([91]);
  });

  test("RetryableError waits its retryAfter; FatalError is never retried, even by the default strategy", async () => {
    const service = new MemoryClient({});
    const attempts: number[] = [];
    const { output } = await service.drive(on(service, async () => {
      const paid = await step("charge", async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new RetryableError("busy", { retryAfter: attempt === 1 ? "30s" : 45_000 });
        return "paid";
      });
      const fatal = await step("validate", async () => {
        throw new FatalError("no such order");
      }).then(() => "valid", (e: Error) => `${e.constructor.name}: ${e.message}`);
      const capped = await step("capped", async () => {
        throw new RetryableError("busy", { retryAfter: "1s" });
      }, { retryStrategy: retryPresets.noRetry }).then(() => "ok", (e: Error) => e.name);
      return { paid, fatal, capped };
    }) as never);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify({ paid: "paid", fatal: "FatalError: no such order", capped: "RetryableError" }) });
    const stepUpdates = (name: string) => service.updates().filter((u) => u.Name === name && u.Action !== "START").map((u) => [u.Action, u.StepOptions?.NextAttemptDelaySeconds ?? null]);
    expect(stepUpdates("charge")).toEqual([["RETRY", 30], ["RETRY", 45], ["SUCCEED", null]]);
    expect(stepUpdates("validate")).toEqual([["FAIL", null]]);
    expect(stepUpdates("capped")).toEqual([["FAIL", null]]);
    expect(attempts).toEqual([1, 2, 3]);
  });

  test("stepMetadata() gives a step id stable across attempts and replays, the attempt and the execution ARN", async () => {
    const service = new MemoryClient({});
    const seen: StepMetadata[] = [];
    await service.drive(on(service, async () => {
      await step("charge", async () => {
        const meta = stepMetadata();
        seen.push(meta);
        if (meta.attempt === 1) throw new RetryableError("again", { retryAfter: 1000 });
      });
      await step("refund", async () => void seen.push(stepMetadata()));
    }) as never);
    const [first, second, other] = seen;
    expect(second!.stepId).toBe(first!.stepId);
    expect([first!.attempt, second!.attempt]).toEqual([1, 2]);
    expect(first!.stepId).toMatch(/^[0-9a-f]{32}$/);
    expect(other!.stepId).not.toBe(first!.stepId);
    expect(first).toMatchObject({ name: "charge", executionArn: service.event().DurableExecutionArn });
    expect(() => stepMetadata()).toThrow(/stepMetadata\(\) was called outside a step/);
  });
});
