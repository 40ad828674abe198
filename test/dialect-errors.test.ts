/**
 * Errors of compiled code on the wire and back (runtime/context/rich-errors.ts), under AWS's
 * emulator: a failed step records its name, message, class, fields, cause and stack; a failed
 * execution records its stack; a class registered by hand keeps its class; an error too large for
 * the limit is recorded with its top frames and no torn envelope; the ctx API keeps the official
 * StepError and records no stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { StepError, configureStep, registerErrorClass, retryPresets, withDurableExecution } from "../runtime/index.ts";
import { callStep } from "../runtime/internal.ts";
import type { Operation } from "../runtime/protocol/wire.ts";
import { ERROR_OBJECT_LIMIT, jsonBytes } from "../runtime/context/errors.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

class QuotaError extends Error {
  limit: number;
  constructor(message: string, limit: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "QuotaError";
    this.limit = limit;
  }
}
registerErrorClass(QuotaError);

beforeAll(startEmulator);
afterAll(stopEmulator);

function stepErrors(run: Awaited<ReturnType<typeof runOnEmulator>>) {
  return run.raw.operations
    .map((o) => o.getOperationData() as unknown as Operation)
    .filter((o) => o.Type === "STEP" && o.Status === "FAILED")
    .map((o) => o.StepDetails!.Error!);
}

async function quota(limit: number): Promise<never> {
  throw new QuotaError(`over ${limit}`, limit, { cause: new RangeError("window") });
}
configureStep(quota, { retryStrategy: retryPresets.noRetry });

describe("errors of compiled code", () => {
  it("a failed step records name, message, class, fields, cause and its stack; the code gets the original back", async () => {
    const run = await runOnEmulator(withDurableExecution(async () => {
      try {
        await callStep("quota", quota, undefined, [5]);
        return "no error";
      } catch (error) {
        const e = error as QuotaError;
        return { cls: e instanceof QuotaError, limit: e.limit, cause: (e.cause as Error).constructor.name, top: String(e.stack).split("\n")[1] };
      }
    }));
    expect(run.result).toMatchObject({ cls: true, limit: 5, cause: "RangeError" });
    expect((run.result as { top: string }).top).toMatch(/^\s+at quota \(/);
    const [recorded] = stepErrors(run);
    expect(recorded).toMatchObject({ ErrorType: "QuotaError", ErrorMessage: "over 5" });
    expect(recorded!.ErrorData).toMatch(/^\{"\\u0024ud":1,"v":\{"\$ud":"Error","class":\{"name":"QuotaError"\}/);
    expect(recorded!.ErrorData).toContain('"fields":{"limit":5,"name":"QuotaError"}');
    expect(recorded!.StackTrace![0]).toMatch(/^\s+at quota \(/);
  });

  it("a failed execution records the error's stack", async () => {
    const run = await runOnEmulator(withDurableExecution(async () => {
      await callStep("quota", quota, undefined, [7]);
    }));
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatchObject({ errorType: "QuotaError", errorMessage: "over 7" });
    expect(run.error!.stackTrace![0]).toMatch(/^\s+at quota \(/);
  });

  it("an error over the size limit keeps its top frames and a whole envelope", async () => {
    async function huge(): Promise<never> {
      const e = new QuotaError("m".repeat(100_000), 1) as QuotaError & { blob?: string };
      e.blob = "b".repeat(100_000);
      e.stack = `QuotaError: ...\n${Array.from({ length: 5000 }, (_, i) => `    at frame${i} (x.ts:${i}:1)`).join("\n")}`;
      throw e;
    }
    configureStep(huge, { retryStrategy: retryPresets.noRetry });
    const run = await runOnEmulator(withDurableExecution(async () => {
      try {
        await callStep("huge", huge, undefined, []);
      } catch (error) {
        return { cls: error instanceof QuotaError, limit: (error as QuotaError).limit };
      }
    }));
    // The largest field did not fit and is left out; the class, the other fields and the cut message survive.
    expect(run.result).toEqual({ cls: true, limit: 1 });
    const [recorded] = stepErrors(run);
    expect(jsonBytes(recorded)).toBeLessThanOrEqual(ERROR_OBJECT_LIMIT);
    expect(recorded!.StackTrace![0]).toBe("    at frame0 (x.ts:0:1)");
    expect(() => JSON.parse(recorded!.ErrorData!)).not.toThrow();
  });

  it("the ctx API keeps the official StepError, and records no stack", async () => {
    const run = await runOnEmulator(withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
      try {
        await ctx.step("quota", () => quota(3), { retryStrategy: retryPresets.noRetry });
      } catch (error) {
        return { step: error instanceof StepError, cause: ((error as StepError).cause as Error).name };
      }
    }));
    expect(run.result).toEqual({ step: true, cause: "QuotaError" });
    const [recorded] = stepErrors(run);
    expect(recorded).toEqual({ ErrorType: "QuotaError", ErrorMessage: "over 3" });
  });
});
