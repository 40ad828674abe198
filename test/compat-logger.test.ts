/**
 * Compatibility, issue 10 point 3: the logger contract of the official SDK 2.x. The same handler
 * logs on both SDKs under AWS's emulator and what reaches the logger must be the same: a custom
 * logger gets the caller's arguments unchanged and a `configureDurableLoggingContext` whose data
 * names the operation logging; the default logger writes the same JSON records (level filter from
 * AWS_LAMBDA_LOG_LEVEL, `util.format` messages, requestId / operationName / attempt, error fields)
 * to process.stdout and process.stderr. Timestamps and per-run ids are left out of the comparison.
 */
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import * as ours from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

type Api = Pick<typeof official, "withDurableExecution">;
type Ctx = official.DurableContext;

/** Logs from the top level, a step, a child context and after a wait (the replay is silent). */
const logEverywhere = async (ctx: Ctx, log: (where: string, ctx: Ctx) => void) => {
  log("top", ctx);
  await ctx.step("charge", async ({ logger }) => logger.warn("in step %s", "charge", 42));
  await ctx.runInChildContext("payment", async (child) => log("child", child));
  await ctx.wait("cool", { seconds: 1 });
  ctx.logger.info("after the wait");
  return "done";
};

describe("a custom logger", () => {
  const run = async (api: Api) => {
    const calls: unknown[] = [];
    let source: official.DurableLoggingContext | undefined;
    const record = (method: string) => (...args: unknown[]) => {
      const { requestId, executionArn, ...data } = source!.getDurableLogData();
      calls.push({ method, args, data, hasIds: typeof requestId === "string" && typeof executionArn === "string" });
    };
    const customLogger = {
      info: record("info"), warn: record("warn"), error: record("error"), debug: record("debug"), log: record("log"),
      configureDurableLoggingContext: (context: official.DurableLoggingContext) => void (source = context),
    };
    const handler = api.withDurableExecution(async (_event: unknown, ctx: Ctx) => {
      ctx.configureLogger({ customLogger });
      return logEverywhere(ctx, (where, c) => {
        c.logger.info(`${where}: info`, { n: 1 });
        c.logger.log?.("ERROR", `${where}: log`, 2);
      });
    });
    const result = await runOnEmulator(handler as never);
    expect(result.status).toBe("SUCCEEDED");
    return calls;
  };

  test("gets the caller's arguments unchanged and the official log data, on both SDKs", async () => {
    const theirs = await run(official);
    const mine = await run(ours as unknown as Api);
    expect(theirs).toContainEqual({ method: "info", args: ["top: info", { n: 1 }], data: { tenantId: undefined, operationId: undefined }, hasIds: true });
    expect(theirs).toContainEqual(expect.objectContaining({ method: "warn", args: ["in step %s", "charge", 42], data: expect.objectContaining({ operationName: "charge", attempt: 1 }) }));
    expect(mine).toEqual(theirs);
  });
});

describe("the default logger", () => {
  const capture = async (api: Api, level: string | undefined) => {
    const lines: Array<{ stream: string; record: Record<string, unknown> }> = [];
    const tap = (stream: "stdout" | "stderr") =>
      vi.spyOn(process[stream], "write").mockImplementation(((chunk: unknown) => {
        const text = String(chunk);
        if (text.startsWith("{")) {
          const { timestamp, requestId, executionArn, stackTrace, ...record } = JSON.parse(text);
          expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
          expect(typeof requestId === "string" && typeof executionArn === "string").toBe(true);
          // A formatted Error carries its stack, whose frames differ between the SDKs: keep its first line.
          const message = typeof record.message === "string" ? record.message.split("\n    at ")[0] : record.message;
          lines.push({ stream, record: { ...record, message, stackTrace: Array.isArray(stackTrace) } });
        }
        return true;
      }) as never);
    const previous = process.env["AWS_LAMBDA_LOG_LEVEL"];
    if (level === undefined) delete process.env["AWS_LAMBDA_LOG_LEVEL"];
    else process.env["AWS_LAMBDA_LOG_LEVEL"] = level;
    const spies = [tap("stdout"), tap("stderr")];
    try {
      const handler = api.withDurableExecution(async (_event: unknown, ctx: Ctx) =>
        logEverywhere(ctx, (where, c) => {
          c.logger.debug(`${where}: debug`);
          c.logger.info("%s: %d items", where, 3, { a: [1, 2] });
          c.logger.error(`${where}: failed`, new TypeError("bad input"));
          c.logger.log?.("WARN", { where, structured: true });
        }),
      );
      const result = await runOnEmulator(handler as never);
      expect(result.status).toBe("SUCCEEDED");
    } finally {
      for (const spy of spies) spy.mockRestore();
      if (previous === undefined) delete process.env["AWS_LAMBDA_LOG_LEVEL"];
      else process.env["AWS_LAMBDA_LOG_LEVEL"] = previous;
    }
    return lines;
  };

  for (const level of [undefined, "INFO", "error"]) {
    test(`writes the official records to stdout and stderr, AWS_LAMBDA_LOG_LEVEL=${level ?? "(unset)"}`, async () => {
      const theirs = await capture(official, level);
      const mine = await capture(ours as unknown as Api, level);
      expect(theirs.length).toBeGreaterThan(0);
      expect(mine).toEqual(theirs);
    });
  }

  test("a record names the step and attempt, formats its arguments and carries the error's fields", async () => {
    const lines = await capture(ours as unknown as Api, "DEBUG");
    expect(lines).toContainEqual({ stream: "stderr", record: { level: "WARN", operationId: "c4ca4238a0b92382", operationName: "charge", attempt: 1, message: "in step charge 42", stackTrace: false } });
    expect(lines).toContainEqual({ stream: "stdout", record: { level: "INFO", message: "top: 3 items { a: [ 1, 2 ] }", stackTrace: false } });
    expect(lines).toContainEqual({
      stream: "stderr",
      record: { level: "ERROR", operationId: "c81e728d9d4c2f63", operationName: "payment", message: "child: failed TypeError: bad input", errorType: "TypeError", errorMessage: "bad input", stackTrace: true },
    });
    expect(lines.filter((l) => l.record["message"] === "after the wait")).toHaveLength(1);
  });
});
