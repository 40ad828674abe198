/**
 * The invocation protocol and the context's rules that are not about batching: event
 * validation, paging and timestamps, suspension decisions, the logger, serdes, child contexts,
 * durable promises and error round trips. Intrinsics and dispatch: runtime-dispatch.test.ts.
 */
import { describe, expect, test, vi } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import {
  ChildContextError, DurableError, ErrorCode, StepError, StepSemantics, fromErrorObject, retryPresets, toErrorObject, withDurableExecution,
} from "../runtime/index.ts";
import { MemoryClient } from "./support/memory-client.ts";

const on = (service: MemoryClient, body: (input: any, ctx: DurableContext) => Promise<unknown>) =>
  withDurableExecution(body, { durableExecutionClient: service });

describe("invocation protocol", () => {
  test("anything that is not a durable invocation is a coded error naming what is missing", async () => {
    const handler = withDurableExecution(async () => "never");
    for (const event of [null, "x", {}, { DurableExecutionArn: "arn" }, { DurableExecutionArn: "a", CheckpointToken: "t", InitialExecutionState: { Operations: "no" } }]) {
      await expect(handler(event, {})).rejects.toMatchObject({ code: ErrorCode.INVALID_EVENT });
    }
    await expect(handler({ DurableExecutionArn: "arn" }, {})).rejects.toThrow(/missing CheckpointToken, InitialExecutionState/);
    const notJson = { DurableExecutionArn: "a", CheckpointToken: "t", InitialExecutionState: { Operations: [{ Id: "e", Type: "EXECUTION", Status: "STARTED", ExecutionDetails: { InputPayload: "{oops" } }] } };
    await expect(withDurableExecution(async () => 1, { durableExecutionClient: new MemoryClient() })(notJson, {}))
      .rejects.toMatchObject({ code: ErrorCode.INVALID_EVENT, message: expect.stringMatching(/input is not JSON/) });
  });

  test("pages the state with GetDurableExecutionState while NextMarker is set", async () => {
    const service = new MemoryClient({ items: 3 });
    const handler = on(service, async (input, ctx) => {
      let sum = 0;
      for (let i = 0; i < input.items; i++) sum += await ctx.step(`s${i}`, async () => i);
      await ctx.wait({ seconds: 1 });
      return sum;
    });
    expect((await handler(service.event(), {})).Status).toBe("PENDING");
    service.advance();
    const getState = vi.spyOn(service, "getExecutionState");
    service.pageLimit = 1;
    const bodies = vi.fn();
    const replay = on(service, async (input, ctx) => {
      let sum = 0;
      for (let i = 0; i < input.items; i++) sum += await ctx.step(`s${i}`, async () => bodies());
      await ctx.wait({ seconds: 1 });
      return sum;
    });
    expect(await replay(service.event(2), {})).toEqual({ Status: "SUCCEEDED", Result: "3" });
    // 5 operations (EXECUTION, 3 steps, the wait): 2 on the event, then 3 pages of 1
    expect(getState).toHaveBeenCalledTimes(3);
    expect(getState.mock.calls.map(([r]) => r.Marker)).toEqual(["2", "3", "4"]);
    expect(bodies).not.toHaveBeenCalled();
  });

  test("a failure to load the state is a coded invocation error (Lambda retries the invocation)", async () => {
    const service = new MemoryClient({});
    service.getExecutionState = async () => {
      throw new Error("socket hang up");
    };
    const event = service.event();
    event.InitialExecutionState.NextMarker = "1";
    await expect(on(service, async () => 1)(event, {})).rejects.toMatchObject({
      code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation", message: expect.stringMatching(/GetDurableExecutionState.*socket hang up/),
    });
  });

  test("timestamps as ISO strings, Dates or epoch numbers all drive retries and waits", async () => {
    for (const form of [(d: string) => d, (d: string) => new Date(d), (d: string) => Date.parse(d)]) {
      const service = new MemoryClient({});
      const handler = on(service, async (_i, ctx) => ctx.wait({ seconds: 5 }));
      await handler(service.event(), {});
      const event = service.event();
      for (const op of event.InitialExecutionState.Operations ?? []) {
        if (op.WaitDetails?.ScheduledEndTimestamp) op.WaitDetails.ScheduledEndTimestamp = form(op.WaitDetails.ScheduledEndTimestamp as string);
        if (op.StartTimestamp) op.StartTimestamp = form(op.StartTimestamp as string);
      }
      expect(await handler(event, {})).toEqual({ Status: "PENDING" });
    }
  });
});

describe("suspension", () => {
  test("PENDING waits for running steps: a wait and a slow step in parallel suspend only after the step is checkpointed", async () => {
    const service = new MemoryClient({});
    const handler = on(service, async (_i, ctx) => {
      await Promise.all([ctx.wait({ seconds: 60 }), ctx.step("slow", () => new Promise((r) => setTimeout(() => r("s"), 30)))]);
      return "done";
    });
    expect(await handler(service.event(), {})).toEqual({ Status: "PENDING" });
    expect(service.updates().map((u) => `${u.Type}:${u.Action}`)).toEqual(["WAIT:START", "STEP:START", "STEP:SUCCEED"]);
    service.advance();
    expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: '"done"' });
  });

  test("a handler that finishes while a raced wait is still pending answers SUCCEEDED, not PENDING", async () => {
    const service = new MemoryClient({});
    const handler = on(service, async (_i, ctx) => {
      const winner = await Promise.race([ctx.wait("slow", { hours: 1 }).then(() => "wait"), ctx.step("fast", async () => "step")]);
      const tail = await ctx.runInChildContext("tail", async () => "t"); // its SUCCEED is still queued at return
      return `${winner}${tail}`;
    });
    expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: '"stept"' });
    expect(service.updates().map((u) => `${u.Name}:${u.Action}`)).toEqual(["slow:START", "fast:START", "fast:SUCCEED", "tail:START", "tail:SUCCEED"]);
  });

  test("a wait created but not yet awaited does not suspend the invocation while work continues", async () => {
    const service = new MemoryClient({});
    const order: string[] = [];
    const handler = on(service, async (_i, ctx) => {
      const later = ctx.wait("later", { seconds: 60 });
      await new Promise((r) => setTimeout(r, 10));
      order.push(await ctx.step("meanwhile", async () => "ran"));
      await later;
      return order;
    });
    expect(await handler(service.event(), {})).toEqual({ Status: "PENDING" });
    expect(order).toEqual(["ran"]);
  });

  test("a handler blocked on a promise that never settles is not answered PENDING when nothing is pending", async () => {
    const service = new MemoryClient({});
    const handler = on(service, async () => new Promise(() => {}));
    const answer = await Promise.race([handler(service.event(), {}), new Promise((r) => setTimeout(() => r("still running"), 50))]);
    expect(answer).toBe("still running");
  });

  test("a retry waits for its timer: the invocation suspends, the next one runs the next attempt", async () => {
    const service = new MemoryClient({});
    let attempts = 0;
    const handler = on(service, async (_i, ctx) => ctx.step("flaky", async ({ attempt }) => {
      attempts++;
      if (attempt < 2) throw new Error("first fails");
      return attempt;
    }));
    const { output, invocations } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: "2" });
    expect(invocations).toBe(2);
    expect(attempts).toBe(2);
    expect(service.updates().map((u) => u.Action)).toEqual(["START", "RETRY", "START", "SUCCEED"]);
  });
});

describe("steps found STARTED (the last invocation died mid-step)", () => {
  const startedStep = () => {
    const service = new MemoryClient({});
    service.operations.set("c4ca4238a0b92382", { Id: "c4ca4238a0b92382", Type: "STEP", SubType: "Step", Name: "s", Status: "STARTED", StepDetails: { Attempt: 0 } });
    return service;
  };

  test("at-most-once with no retry left: FAIL with the interruption, the body never re-runs", async () => {
    const service = startedStep();
    let runs = 0;
    const output = await on(service, async (_i, ctx) =>
      ctx.step("s", async () => ++runs, { semantics: StepSemantics.AtMostOncePerRetry, retryStrategy: retryPresets.noRetry }))(service.event(), {});
    expect(runs).toBe(0);
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "StepError", ErrorMessage: expect.stringMatching(/started but did not finish/) } });
    expect(service.updates().map((u) => u.Action)).toEqual(["FAIL"]);
    expect(service.updates()[0]!.Error?.ErrorType).toBe("StepInterruptedError");
  });

  test("at-least-once: re-runs the body without a second START", async () => {
    const service = startedStep();
    const output = await on(service, async (_i, ctx) => ctx.step("s", async ({ attempt }) => attempt))(service.event(), {});
    expect(output).toEqual({ Status: "SUCCEEDED", Result: "1" });
    expect(service.updates().map((u) => u.Action)).toEqual(["SUCCEED"]);
  });
});

describe("serdes", () => {
  test("a value the serdes cannot handle fails the execution with a coded error naming the operation", async () => {
    const service = new MemoryClient({});
    const output = await on(service, async (_i, ctx) => ctx.step("big-int", async () => 10n))(service.event(), {});
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "SerdesError", ErrorMessage: expect.stringMatching(/serialize the value of Step "big-int" \(#1\)/) } });
  });

  test("configureSerdes replaces the default for every later operation, fresh and replayed", async () => {
    const service = new MemoryClient({});
    const dates = {
      serialize: (v: unknown) => (v instanceof Date ? `date:${v.toISOString()}` : JSON.stringify(v)),
      deserialize: (s: string | undefined) => (s?.startsWith("date:") ? new Date(s.slice(5)) : s === undefined ? undefined : JSON.parse(s)),
    };
    const seen: unknown[] = [];
    const handler = on(service, async (_i, ctx) => {
      ctx.configureSerdes({ defaultSerdes: dates });
      const when = await ctx.step("when", async () => new Date(Date.UTC(2030, 0, 1)));
      await ctx.wait({ seconds: 1 });
      seen.push(when instanceof Date);
      return (when as Date).getUTCFullYear();
    });
    const { output } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: "2030" });
    expect(seen).toEqual([true]);
    expect(service.updates().find((u) => u.Action === "SUCCEED")?.Payload).toBe("date:2030-01-01T00:00:00.000Z");
  });
});

describe("child contexts", () => {
  test("a result over 256 KiB checkpoints the summaryGenerator's text with ReplayChildren; replay re-runs the body without re-running steps", async () => {
    const service = new MemoryClient({});
    let stepRuns = 0;
    const handler = on(service, async (_i, ctx) => {
      const rows = await ctx.runInChildContext("rows", async (child) => {
        const row = await child.step("row", async () => (stepRuns++, "r".repeat(1024)));
        return Array.from({ length: 300 }, () => row);
      }, { summaryGenerator: (result: string[]) => JSON.stringify({ count: result.length }) });
      await ctx.wait({ seconds: 1 });
      return rows.length;
    });
    const { output, invocations } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: "300" });
    expect(invocations).toBe(2);
    expect(stepRuns).toBe(1);
    const succeed = service.updates().find((u) => u.Type === "CONTEXT" && u.Action === "SUCCEED");
    expect(succeed).toMatchObject({ Name: "rows", Payload: '{"count":300}', ContextOptions: { ReplayChildren: true } });
  });

  test("a failed child context replays its error as ChildContextError, or through errorMapper", async () => {
    const service = new MemoryClient({});
    const seen: string[] = [];
    const handler = on(service, async (_i, ctx) => {
      for (const mapped of [false, true]) {
        try {
          await ctx.runInChildContext(mapped ? "mapped" : "plain", async () => {
            throw new RangeError("out of range");
          }, mapped ? { errorMapper: (e) => new TypeError(`mapped: ${e.message}`) } : undefined);
        } catch (error) {
          seen.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
      await ctx.wait({ seconds: 1 });
      return seen;
    });
    await service.drive(handler);
    const expected = ["ChildContextError: out of range", "TypeError: mapped: out of range"];
    expect(seen).toEqual([...expected, ...expected]);
  });
});

describe("durable promises", () => {
  test("an operation that fails before anyone awaits it raises no unhandled rejection, and still rejects when awaited", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    const service = new MemoryClient({});
    const handler = on(service, async (_i, ctx) => {
      const failing = ctx.step("fails", async () => {
        throw new Error("early");
      }, { retryStrategy: retryPresets.noRetry });
      await new Promise((r) => setTimeout(r, 20));
      await ctx.step("other", async () => 1);
      try {
        await failing;
      } catch (error) {
        return (error as Error).message;
      }
    });
    const output = await handler(service.event(), {});
    await new Promise((r) => setTimeout(r, 10));
    process.off("unhandledRejection", listener);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: '"early"' });
    expect(unhandled).toEqual([]);
  });
});

describe("errors", () => {
  test("toErrorObject / fromErrorObject rebuild operation errors by ErrorType and wrap others in StepError", () => {
    const rebuilt = fromErrorObject(toErrorObject(new TypeError("bad")));
    expect(rebuilt).toBeInstanceOf(StepError);
    expect(rebuilt.message).toBe("bad");
    expect((rebuilt.cause as Error).name).toBe("TypeError");
    const child = fromErrorObject(toErrorObject(new ChildContextError("inner failed", undefined, "data")));
    expect(child).toBeInstanceOf(ChildContextError);
    expect(child.errorData).toBe("data");
    expect(DurableError.is(child)).toBe(true);
    expect(toErrorObject("a string")).toEqual({ ErrorMessage: 'A value that is not an Error was thrown: "a string". Throw an Error to give it a name.' });
    expect(toErrorObject({ code: 42 }).ErrorMessage).toContain('{"code":42}');
    expect(toErrorObject(undefined).ErrorMessage).toContain("thrown: undefined.");
    expect(toErrorObject(10n).ErrorMessage).toContain("thrown: 10.");
  });
});
