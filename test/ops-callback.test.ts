/**
 * Callbacks end to end under AWS's emulator: createCallback succeeded / failed / timed out /
 * heartbeat, and waitForCallback (success, failing submitter with retries). Histories are the
 * exact ordered [EventType, SubType, Name] tuples, InvocationCompleted left out (its place varies
 * with skipped time); invocation counts are asserted separately.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import type { DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import type { EmulatorRun, HistoryEntry } from "./support/emulator.ts";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { realSleep } from "./support/real-clock.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const events = (history: HistoryEntry[]) => history.filter(([type]) => type !== "InvocationCompleted");
const describeError = (error: unknown) => {
  const e = error as Error & { cause?: Error };
  return { name: e.name, message: e.message, cause: e.cause?.name };
};

/** Time from CallbackStarted to the callback's end, by the emulator's event timestamps. */
const callbackSpanMs = (run: EmulatorRun) => {
  const at = (type: string) => {
    const event = (run.raw.events as Array<{ EventType?: string; EventTimestamp?: Date | string }>).find((e) => e.EventType === type);
    return new Date(event?.EventTimestamp ?? NaN).getTime();
  };
  return at("CallbackSucceeded") - at("CallbackStarted");
};

describe("createCallback", () => {
  it("resolves with the raw payload an external system sends, after suspending", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const [promise, callbackId] = await ctx.createCallback("approval", { timeout: { minutes: 5 } });
        const answer = await promise;
        return { answer, idLooksIssued: callbackId.length > 10 };
      }),
      { hooks: [{ name: "approval", act: (op) => op.sendCallbackSuccess(JSON.stringify("yes")) }] },
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual({ answer: '"yes"', idLooksIssued: true });
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["CallbackStarted", "Callback", "approval"],
      ["CallbackSucceeded", "Callback", "approval"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(2);
  });

  it("deserialises with the config's serdes", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const [promise] = await ctx.createCallback<{ ok: boolean }>({ serdes: { serialize: (v) => JSON.stringify(v), deserialize: (s) => JSON.parse(s!) } });
        return (await promise).ok;
      }),
      { hooks: [{ index: 0, act: (op) => op.sendCallbackSuccess(JSON.stringify({ ok: true })) }] },
    );
    expect(run.result).toBe(true);
  });

  it("rejects with CallbackExternalError carrying the sender's error as cause", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const [promise] = await ctx.createCallback("approval");
        try {
          return await promise;
        } catch (error) {
          return describeError(error);
        }
      }),
      { hooks: [{ name: "approval", act: (op) => op.sendCallbackFailure({ ErrorMessage: "rejected by Ann", ErrorType: "Rejected" }) }] },
    );
    expect(run.result).toEqual({ name: "CallbackExternalError", message: "rejected by Ann", cause: "Rejected" });
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["CallbackStarted", "Callback", "approval"],
      ["CallbackFailed", "Callback", "approval"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
  });

  it("rejects with CallbackTimeoutError when nobody answers in time, and an uncaught one fails the execution", async () => {
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        const [promise] = await ctx.createCallback("approval", { timeout: { seconds: 1 } }); // real clock in the emulator
        return promise;
      }),
    );
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatchObject({ errorType: "CallbackTimeoutError", errorMessage: "Callback timed out" });
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["CallbackStarted", "Callback", "approval"],
      ["CallbackTimedOut", "Callback", "approval"],
      ["ExecutionFailed", undefined, undefined],
    ]);
    expect(run.invocations).toBe(2);
  });

  // The emulator runs heartbeat timeouts on the real clock (its worker), so the limit here is 2 s:
  // the answer comes about 3 s after the callback started, in time only if each heartbeat (every
  // 300 ms, so a loaded machine can stall 1.7 s without a false failure) restarted the 2 s timer.
  // Both halves run at once.
  it("keeps a callback alive past its heartbeat timeout while heartbeats come, and times out when they stop", async () => {
    const handler = withDurableExecution(async (_event, ctx) => {
      const [promise] = await ctx.createCallback("job", { timeout: { hours: 1 }, heartbeatTimeout: { seconds: 2 } });
      try {
        return await promise;
      } catch (error) {
        return describeError(error).name;
      }
    });
    let heartbeats = 0;
    const keepAlive = async (op: DurableOperation) => {
      for (let i = 0; i < 10; i++) {
        await realSleep(300);
        await op.sendCallbackHeartbeat();
        heartbeats++;
      }
      await op.sendCallbackSuccess('"done"');
    };
    const [alive, silent] = await Promise.all([
      runOnEmulator(handler, { hooks: [{ name: "job", act: keepAlive }], realTime: true }),
      runOnEmulator(handler, { realTime: true }),
    ]);
    expect(alive.result).toBe('"done"');
    expect(heartbeats).toBe(10);
    expect(events(alive.history).map(([type]) => type)).toEqual(["ExecutionStarted", "CallbackStarted", "CallbackSucceeded", "ExecutionSucceeded"]);
    // The answer really came after the heartbeat timeout had passed (the emulator's own clock).
    expect(callbackSpanMs(alive)).toBeGreaterThan(2400);
    expect(silent.result).toBe("CallbackTimeoutError");
    expect(events(silent.history).map(([type]) => type)).toEqual(["ExecutionStarted", "CallbackStarted", "CallbackTimedOut", "ExecutionSucceeded"]);
  });

  it("refuses a bad timeout before taking an id", () => {
    const ctxCall = withDurableExecution(async (_event, ctx) => ctx.createCallback("x", { timeout: { seconds: -1 } }));
    return expect(runOnEmulator(ctxCall)).resolves.toMatchObject({ status: "FAILED", error: { errorMessage: expect.stringMatching(/timeout/) } });
  });
});

describe("waitForCallback", () => {
  it("runs the submitter with the callback id in a WaitForCallback context and returns the answer", async () => {
    let submittedId = "";
    // Answer only once the submitter step finished, so the event order does not race the hook.
    let stepDone!: () => void;
    const submitted = new Promise<void>((resolve) => (stepDone = resolve));
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) =>
        ctx.waitForCallback("approve", async (callbackId) => {
          submittedId = callbackId;
        }, { timeout: { minutes: 1 } }),
      ),
      {
        hooks: [
          { index: 2, when: WaitingOperationStatus.COMPLETED, act: () => stepDone() },
          { index: 1, act: async (op) => (await submitted, await op.sendCallbackSuccess(JSON.stringify({ ok: true }))) },
        ],
      },
    );
    expect(run.result).toBe('{"ok":true}');
    expect(submittedId.length).toBeGreaterThan(10);
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["ContextStarted", "WaitForCallback", "approve"],
      ["CallbackStarted", "Callback", undefined],
      ["StepStarted", "Step", undefined],
      ["StepSucceeded", "Step", undefined],
      ["CallbackSucceeded", "Callback", undefined],
      ["ContextSucceeded", "WaitForCallback", "approve"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
  });

  it("retries a failing submitter by its strategy, then rejects with CallbackSubmitterError", async () => {
    let attempts = 0;
    const run = await runOnEmulator(
      withDurableExecution(async (_event, ctx) => {
        try {
          return await ctx.waitForCallback("approve", async () => {
            attempts++;
            throw new Error("mail server down");
          }, { retryStrategy: (_error, n) => ({ shouldRetry: n < 2, delay: { seconds: 1 } }) });
        } catch (error) {
          return describeError(error);
        }
      }),
    );
    expect(run.result).toEqual({ name: "CallbackSubmitterError", message: "mail server down", cause: "StepError" });
    expect(attempts).toBe(2);
    expect(events(run.history)).toEqual([
      ["ExecutionStarted", undefined, undefined],
      ["ContextStarted", "WaitForCallback", "approve"],
      ["CallbackStarted", "Callback", undefined],
      ["StepStarted", "Step", undefined],
      ["StepFailed", "Step", undefined],
      ["StepStarted", "Step", undefined],
      ["StepFailed", "Step", undefined],
      ["ContextFailed", "WaitForCallback", "approve"],
      ["ExecutionSucceeded", undefined, undefined],
    ]);
    expect(run.invocations).toBe(2);
  });
});
