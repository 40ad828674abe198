/**
 * Errors over the error size limit (AWS's emulator: 32 KiB for an update carrying an Error; the
 * official SDK sends them whole, the checkpoint fails and the invocation is retried forever):
 * toErrorObject cuts the text to fit, with a mark, so the error is recorded and the execution
 * goes on. Checked as a property of toErrorObject and end to end under the emulator.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fromErrorObject, StepError, toErrorObject, withDurableExecution } from "../runtime/index.ts";
import { ERROR_OBJECT_LIMIT } from "../runtime/context/errors.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const MARK = /\.\.\. \[cut: (\d+) characters were over the error size limit\]$/;

/** The field as sent: the original, or a head of it followed by the mark naming its length. */
function expectKeptOrCut(sent: string | undefined, original: string | undefined): void {
  if (sent === original) return;
  const mark = MARK.exec(sent ?? "");
  expect(mark, `${sent?.slice(-80)} should end with the truncation mark`).not.toBeNull();
  expect(Number(mark![1])).toBe(original!.length);
  expect(original!.startsWith(sent!.slice(0, mark!.index))).toBe(true);
}

describe("toErrorObject fits the error size limit", () => {
  test("any message and data: within the limit, each field whole or a marked head, untouched when it fits", () => {
    const text = fc.tuple(fc.string({ unit: "binary", maxLength: 8 }), fc.nat({ max: 12_000 })).map(([s, n]) => s.repeat(n));
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), (message, data) => {
        const error = new StepError(message || "m", undefined, data);
        const sent = toErrorObject(error);
        expect(bytes(sent)).toBeLessThanOrEqual(ERROR_OBJECT_LIMIT);
        expect(sent.ErrorType).toBe("StepError");
        if (bytes({ ...sent, ErrorMessage: error.message, ErrorData: data }) <= ERROR_OBJECT_LIMIT) {
          expect(sent).toEqual({ ErrorType: "StepError", ErrorMessage: error.message, ErrorData: data });
        }
        expectKeptOrCut(sent.ErrorMessage, error.message);
        expectKeptOrCut(sent.ErrorData, data);
        expect(toErrorObject(fromErrorObject(sent))).toEqual(sent); // a replayed error is not cut again
      }),
      { numRuns: 60 },
    );
  });

  test("a 100 KiB message keeps about 31 KiB of its head; a message and data both too long share the room", () => {
    const sent = toErrorObject(new Error("é".repeat(50 * 1024)));
    expect(bytes(sent)).toBeLessThanOrEqual(ERROR_OBJECT_LIMIT);
    expect(bytes(sent)).toBeGreaterThan(ERROR_OBJECT_LIMIT - 400);
    expectKeptOrCut(sent.ErrorMessage, "é".repeat(50 * 1024));
    const both = toErrorObject(new StepError("m".repeat(100_000), undefined, "d".repeat(100_000)));
    expect(both.ErrorMessage!.length).toBeGreaterThan(15_000);
    expect(both.ErrorData!.length).toBeGreaterThan(15_000);
  });
});

describe("under AWS's emulator", () => {
  const big = "x".repeat(100 * 1024);

  test("a step throwing a 100 KiB message is recorded (cut), retried by its strategy, and the execution goes on", async () => {
    let seen = "";
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        try {
          await ctx.step("big", async () => {
            throw new Error(big);
          }, { retryStrategy: (_error, attempt) => ({ shouldRetry: attempt < 2, delay: { seconds: 1 } }) });
        } catch (error) {
          seen = (error as Error).message;
        }
        return ctx.step("after", async () => "went on");
      }),
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toBe("went on");
    expectKeptOrCut(seen, big);
    expect(seen).not.toBe(big);
    expect(run.history.filter(([type]) => type !== "InvocationCompleted")).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["StepStarted", "Step", "big"], ["StepFailed", "Step", "big"],
      ["StepStarted", "Step", "big"], ["StepFailed", "Step", "big"],
      ["StepStarted", "Step", "after"], ["StepSucceeded", "Step", "after"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(2);
    const recorded = run.raw.operations.find((op) => op.getName() === "big")!.getStepDetails()!.error!;
    expect(recorded.errorMessage).toBe(seen); // what the code saw is what replays will see
  });

  test("the same error left uncaught fails the execution with the cut message", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => ctx.step("big", async () => {
        throw new Error(big);
      }, { retryStrategy: () => ({ shouldRetry: false }) })),
    );
    expect(run.status).toBe("FAILED");
    expect(run.invocations).toBe(1);
    expectKeptOrCut(run.error?.errorMessage, big);
    expect(run.error?.errorMessage).not.toBe(big);
  });
});
