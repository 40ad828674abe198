/**
 * Error names survive minification. A minifier renames classes, so a name taken from the class
 * (`new.target.name`) would reach the wire as "Xe". Bundle handlers with esbuild (minified, as a
 * user's build would), run them under AWS's emulator and check each failure's ErrorType on the
 * wire and the names user code sees.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { bundleMinified } from "./support/bundle.ts";
import type { LambdaHandler } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

const source = `
import { withDurableExecution, createRetryStrategy, StepError } from "use-durable";
const once = { retryStrategy: createRetryStrategy({ maxAttempts: 1 }) };
export const tooLarge = withDurableExecution(async (_e, ctx) => ctx.step("big", async () => "x".repeat(300 * 1024)));
export const unserializable = withDurableExecution(async (_e, ctx) => ctx.step("bigint", async () => 10n));
export const childFails = withDurableExecution(async (_e, ctx) =>
  ctx.runInChildContext("child", async (c) => c.step("boom", async () => { throw new RangeError("kaput"); }, once)));
export const caught = withDurableExecution(async (_e, ctx) => {
  try {
    await ctx.step("fails", async () => { throw new Error("no"); }, once);
  } catch (error) {
    return { name: error.name, errorType: error.errorType, isStepError: error instanceof StepError };
  }
});
`;

let dir: string;
let handlers: Record<string, LambdaHandler>;
let code: string;

beforeAll(async () => {
  await startEmulator();
  ({ code } = await bundleMinified(source));
  dir = mkdtempSync(join(tmpdir(), "ud-names-"));
  const file = join(dir, "handlers.mjs");
  writeFileSync(file, code);
  handlers = await import(pathToFileURL(file).href);
});

afterAll(async () => {
  await stopEmulator();
  rmSync(dir, { recursive: true, force: true });
});

test("the minifier renamed the error classes (so names can only come from the runtime's strings)", () => {
  for (const name of ["DurableError", "PayloadTooLargeError", "SerdesError", "StepError", "ChildContextError"]) {
    expect(code).not.toMatch(new RegExp(`class ${name}\\b|\\b${name}=class\\b`));
  }
});

test.each([
  ["tooLarge", "PayloadTooLargeError", /300 ?\d* bytes|bytes once serialized/],
  ["unserializable", "SerdesError", /Could not serialize/],
  ["childFails", "ChildContextError", /kaput/],
])("%s fails on the wire with ErrorType %s", async (handler, errorType, message) => {
  const run = await runOnEmulator(handlers[handler]!);
  expect(run.status).toBe("FAILED");
  expect(run.error?.errorType).toBe(errorType);
  expect(run.error?.errorMessage).toMatch(message);
});

test("a caught operation error keeps its name and class in the minified bundle", async () => {
  const run = await runOnEmulator(handlers["caught"]!);
  expect(run.status).toBe("SUCCEEDED");
  expect(run.result).toEqual({ name: "StepError", errorType: "StepError", isStepError: true });
});

test("operation error classes: a user's subclass keeps the kind of the class it extends; rebuilt errors keep theirs", async () => {
  const { StepError, CallbackError, CallbackTimeoutError, ErrorCode, fromErrorObject } = await import("../runtime/index.ts");
  class Mine extends StepError {}
  const mine = new Mine("mine");
  expect([mine.name, mine.errorType, mine.code, mine instanceof StepError]).toEqual(["StepError", "StepError", ErrorCode.STEP_FAILED, true]);
  const rebuilt = fromErrorObject({ ErrorType: "CallbackTimeoutError", ErrorMessage: "late" });
  expect(rebuilt).toBeInstanceOf(CallbackTimeoutError);
  expect(rebuilt).toBeInstanceOf(CallbackError);
  expect([rebuilt.name, rebuilt.message, new CallbackTimeoutError().message]).toEqual(["CallbackTimeoutError", "late", "Callback timed out"]);
});
