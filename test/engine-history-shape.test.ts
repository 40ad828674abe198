/**
 * History events shaped as GetDurableExecutionHistory's: one handler that writes every kind of
 * event (steps that succeed, fail and retry, a wait, child contexts, callbacks answered, failed and
 * timed out, a chained invoke, the execution's end) runs on AWS's emulator and on our engine, and
 * every event must have the same members and payloads. The differences engine/SPEC.md lists
 * ("Deliberate differences") are applied to the emulator's events first, each named here; anything
 * else that differs fails.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { LocalDurableTestRunner as AwsRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";
import { createRetryStrategy, JitterStrategy, withDurableExecution } from "../runtime/index.ts";
import { LocalDurableTestRunner as EngineRunner } from "../engine/testing/index.ts";

let tries = 0; // across invocations: the handler's body runs again on each replay
const handler = withDurableExecution(async (event: { n: number }, ctx) => {
  const a = await ctx.step("ok", async () => event.n + 1);
  const b = await ctx.step("flaky", async () => {
    if (++tries < 2) throw new RangeError("not yet");
    return a * 2;
  }, { retryStrategy: createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 2 }, jitter: JitterStrategy.NONE }) });
  const caught = await ctx.step("bad", async () => { throw new TypeError("nope"); }, { retryStrategy: () => ({ shouldRetry: false }) }).catch((e: Error) => e.message);
  await ctx.wait("nap", { seconds: 30 });
  const inner = await ctx.runInChildContext("child", async (child) => child.step("inside", async () => "in"));
  const [yes] = await ctx.createCallback<string>("yes", { timeout: { minutes: 5 } });
  const [no] = await ctx.createCallback<string>("no");
  const [late] = await ctx.createCallback<string>("late", { timeout: { seconds: 1 } });
  const answers = await Promise.allSettled([yes, no, late]);
  const doubled: number = await ctx.invoke("double", "double-fn", { n: b });
  return { a, b, caught, inner, answers: answers.map((r) => r.status), doubled };
});

type AnyEvent = Record<string, any>;
const runs: Record<string, AnyEvent[]> = {};

async function runOn(Runner: typeof AwsRunner): Promise<AnyEvent[]> {
  tries = 0;
  const runner = new Runner({ handlerFunction: handler as never });
  runner.registerFunction("double-fn", async (e: { n: number }) => e.n * 2);
  const yes = runner.getOperation("yes").waitForData(WaitingOperationStatus.STARTED).then((op) => op.sendCallbackSuccess('"y"'));
  const no = runner.getOperation("no").waitForData(WaitingOperationStatus.STARTED).then((op) => op.sendCallbackFailure({ ErrorType: "Denied", ErrorMessage: "no" }));
  const result = await runner.run({ payload: { n: 1 } });
  await Promise.all([yes, no]);
  expect(result.getResult()).toEqual({ a: 2, b: 4, caught: "nope", inner: "in", answers: ["fulfilled", "rejected", "rejected"], doubled: 8 });
  return result.getHistoryEvents() as AnyEvent[];
}

beforeAll(async () => {
  await AwsRunner.setupTestEnvironment({ skipTime: true });
  runs.aws = await runOn(AwsRunner);
  await AwsRunner.teardownTestEnvironment();
  await EngineRunner.setupTestEnvironment({ skipTime: true });
  runs.engine = await runOn(EngineRunner as unknown as typeof AwsRunner);
  await EngineRunner.teardownTestEnvironment();
});
afterAll(() => EngineRunner.teardownTestEnvironment());

/** Members whose values differ by nature: times, ids, the invocation's request id, the callback id. */
function normalize(event: AnyEvent): AnyEvent {
  const copy = JSON.parse(JSON.stringify(event)) as AnyEvent;
  delete copy.EventTimestamp;
  delete copy.EventId;
  if (copy.Id && copy.EventType.startsWith("Execution")) copy.Id = "<execution>";
  for (const [key, details] of Object.entries(copy)) {
    if (!key.endsWith("Details") || typeof details !== "object") continue;
    for (const time of ["StartTimestamp", "EndTimestamp", "ScheduledEndTimestamp"]) if (time in details) details[time] = "<time>";
    if ("RequestId" in details) details.RequestId = "<request>";
    if ("CallbackId" in details) details.CallbackId = "<callback>";
    const stack = details.Error?.Payload?.StackTrace;
    if (Array.isArray(stack)) details.Error.Payload.StackTrace = "<stack>";
  }
  return copy;
}

/** engine/SPEC.md's deliberate differences, applied to AWS's emulator's events. */
const DIFFERENCES: Array<[string, (event: AnyEvent) => void]> = [
  ["ExecutionStartedDetails.ExecutionTimeout is the function's (the emulator leaves it out)", (e) => {
    if (e.ExecutionStartedDetails) e.ExecutionStartedDetails.ExecutionTimeout = 31_622_400;
  }],
  ["CallbackStartedDetails has no Input (not in the service's model)", (e) => void delete e.CallbackStartedDetails?.Input],
  ["ChainedInvokeStartedDetails carries the function name and input", (e) => {
    if (e.ChainedInvokeStartedDetails) e.ChainedInvokeStartedDetails = { FunctionName: "double-fn", Input: { Payload: '{"n":4}' } };
  }],
  ["RetryDetails.CurrentAttempt is the attempt that ended", (e) => {
    const details = e.StepSucceededDetails ?? e.StepFailedDetails;
    if (details?.RetryDetails) details.RetryDetails.CurrentAttempt = "<attempt>";
  }],
  ["InvocationCompletedDetails.Error only when the invocation failed", (e) => {
    if (e.InvocationCompletedDetails && !e.InvocationCompletedDetails.Error?.Payload) delete e.InvocationCompletedDetails.Error;
  }],
];

function comparable(events: AnyEvent[], differences: boolean): AnyEvent[] {
  return events.map((event) => {
    const copy = normalize(event);
    if (differences) for (const [, apply] of DIFFERENCES) apply(copy);
    const details = copy.StepSucceededDetails ?? copy.StepFailedDetails;
    if (details?.RetryDetails) details.RetryDetails.CurrentAttempt = "<attempt>"; // checked on its own below
    return copy;
  });
}

test("every event type the handler writes has the same members and payloads on both backends", () => {
  const key = (e: AnyEvent) => `${e.EventType}|${e.Name ?? ""}|${e.SubType ?? ""}`;
  const byKey = (events: AnyEvent[]) => {
    const map = new Map<string, AnyEvent[]>();
    for (const e of events) map.set(key(e), [...(map.get(key(e)) ?? []), e]);
    return map;
  };
  const aws = byKey(comparable(runs.aws!, true).filter((e) => e.EventType !== "InvocationCompleted"));
  const engine = byKey(comparable(runs.engine!, false).filter((e) => e.EventType !== "InvocationCompleted"));
  expect([...engine.keys()].sort()).toEqual([...aws.keys()].sort());
  const mismatches = [...aws].filter(([k, events]) => !isDeepStrictEqual(engine.get(k), events)).map(([k, events]) => ({ k, aws: events, engine: engine.get(k) }));
  expect(mismatches).toEqual([]);
  // The types covered, so this test keeps covering them.
  expect(new Set(runs.engine!.map((e) => e.EventType))).toEqual(
    new Set([
      "ExecutionStarted", "StepStarted", "StepSucceeded", "StepFailed", "WaitStarted", "WaitSucceeded", "ContextStarted", "ContextSucceeded",
      "CallbackStarted", "CallbackSucceeded", "CallbackFailed", "CallbackTimedOut", "ChainedInvokeStarted", "ChainedInvokeSucceeded",
      "InvocationCompleted", "ExecutionSucceeded",
    ]),
  );
});

test("a step event's RetryDetails.CurrentAttempt is the attempt that ended", () => {
  const attempts = runs.engine!.filter((e) => e.StepSucceededDetails ?? e.StepFailedDetails).map((e) => [e.Name, e.EventType, (e.StepSucceededDetails ?? e.StepFailedDetails).RetryDetails.CurrentAttempt]);
  expect(attempts).toEqual([
    ["ok", "StepSucceeded", 1], ["flaky", "StepFailed", 1], ["flaky", "StepSucceeded", 2], ["bad", "StepFailed", 1], ["inside", "StepSucceeded", 1],
  ]);
});

test("InvocationCompleted has StartTimestamp, EndTimestamp and RequestId on both", () => {
  for (const events of [runs.aws!, runs.engine!]) {
    const completed = events.filter((e) => e.EventType === "InvocationCompleted");
    expect(completed.length).toBeGreaterThan(1);
    for (const e of completed) expect(Object.keys(e.InvocationCompletedDetails).filter((k) => k !== "Error").sort()).toEqual(["EndTimestamp", "RequestId", "StartTimestamp"]);
  }
});
