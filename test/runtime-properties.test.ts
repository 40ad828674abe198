/**
 * The seed's correctness properties as fast-check properties, run against the in-memory service
 * (test/support/memory-client.ts) so each case costs microseconds, not an emulator round trip.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import {
  DurableError, ErrorCode, JitterStrategy, StepSemantics, createRetryStrategy, defaultSerdes, retryPresets, withDurableExecution,
} from "../runtime/index.ts";
import { CheckpointBatcher } from "../runtime/protocol/checkpoint-batcher.ts";
import { durationToSeconds } from "../runtime/context/duration.ts";
import { ExecutionState } from "../runtime/protocol/execution-state.ts";
import type { OperationUpdate } from "../runtime/protocol/wire.ts";
import { ARN, MemoryClient } from "./support/memory-client.ts";

const md5 = (s: string) => createHash("md5").update(s).digest("hex").slice(0, 16);
const runs = { numRuns: 40 };

/** A tiny workflow language: the generator draws programs, `interpret` runs one on a context. */
type Action =
  | { kind: "step"; name?: string; value: unknown; fails?: boolean }
  | { kind: "wait"; seconds: number }
  | { kind: "child"; name?: string; body: Action[] };

const name = fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { nil: undefined });
const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const { program } = fc.letrec<{ program: Action[]; action: Action }>((tie) => ({
  action: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("step" as const), name, value: json, fails: fc.boolean() }),
    fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 3600 }) }),
    fc.record({ kind: fc.constant("child" as const), name, body: tie("program") }),
  ),
  program: fc.array(tie("action"), { maxLength: 5 }),
}));

interface Trace {
  bodies: number;
  values: unknown[];
}

async function interpret(ctx: DurableContext, actions: Action[], trace: Trace): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const action of actions) {
    if (action.kind === "step") {
      try {
        out.push(await ctx.step(action.name, async () => {
          trace.bodies++;
          if (action.fails) throw new Error("planned failure");
          return action.value;
        }, { retryStrategy: retryPresets.noRetry }));
      } catch (error) {
        out.push(`caught ${(error as Error).message}`);
      }
    } else if (action.kind === "wait") {
      await ctx.wait({ seconds: action.seconds });
    } else {
      out.push(await ctx.runInChildContext(action.name, (child) => interpret(child, action.body, trace)));
    }
  }
  trace.values.push(out);
  return out;
}

function countSteps(actions: Action[]): number {
  return actions.reduce((n, a) => n + (a.kind === "step" ? 1 : a.kind === "child" ? countSteps(a.body) : 0), 0);
}

function expected(actions: Action[]): unknown[] {
  return actions.flatMap((a) =>
    a.kind === "step" ? [a.fails ? "caught planned failure" : a.value] : a.kind === "child" ? [expected(a.body)] : [],
  );
}

async function runProgram(actions: Action[]) {
  const service = new MemoryClient({});
  const trace: Trace = { bodies: 0, values: [] };
  const handler = withDurableExecution((_e, ctx) => interpret(ctx, actions, trace), { durableExecutionClient: service });
  const { output, invocations } = await service.drive(handler);
  return { service, trace, output, invocations };
}

describe("seed properties", () => {
  test("property 1, replay round-trip: suspending and replaying gives the uninterrupted result, each step body runs once", async () => {
    await fc.assert(fc.asyncProperty(program, async (actions) => {
      const { output, trace, invocations } = await runProgram(actions);
      expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify(expected(actions)) });
      expect(trace.bodies).toBe(countSteps(actions));
      const waits = JSON.stringify(actions).split('"wait"').length - 1;
      expect(invocations).toBe(waits + 1);
    }), runs);
  });

  test("property 2, serdes round-trip: JSON values survive the default serdes and a step replay", async () => {
    const ctx = { entityId: "x", durableExecutionArn: ARN };
    await fc.assert(fc.asyncProperty(json, async (value) => {
      expect(await defaultSerdes.deserialize(await defaultSerdes.serialize(value, ctx), ctx)).toEqual(value);
      const { output } = await runProgram([{ kind: "step", value }, { kind: "wait", seconds: 1 }, { kind: "step", value }]);
      expect(JSON.parse((output as { Result: string }).Result)).toEqual([value, value]);
    }), { numRuns: 25 });
  });

  test("property 3, operation-id determinism: ids are md5 of the counter path, the same on every run", async () => {
    const paths = (actions: Action[], prefix: string): string[] =>
      actions.flatMap((a, i) => {
        const id = `${prefix}${i + 1}`;
        return a.kind === "child" ? [id, ...paths(a.body, `${id}-`)] : [id];
      });
    await fc.assert(fc.asyncProperty(program, async (actions) => {
      const first = await runProgram(actions);
      const second = await runProgram(actions);
      const ids = (s: MemoryClient) => [...s.operations.values()].filter((o) => o.Type !== "EXECUTION").map((o) => o.Id);
      expect(new Set(ids(first.service))).toEqual(new Set(paths(actions, "").map(md5)));
      expect(ids(second.service)).toEqual(ids(first.service));
    }), runs);
  });

  test("property 5, concurrent id uniqueness: concurrent branches get distinct ids independent of completion order", async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.nat(3), { maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (branches) => {
      const idsFor = async (reverse: boolean) => {
        const service = new MemoryClient({});
        const handler = withDurableExecution((_e, ctx) =>
          Promise.all(branches.map((delays, b) => ctx.runInChildContext(`b${b}`, async (child) => {
            for (const d of delays) await child.step(() => new Promise((r) => setTimeout(r, reverse ? 3 - d : d)));
            return b;
          }))), { durableExecutionClient: service });
        await service.drive(handler);
        return service.updates().filter((u) => u.Action === "SUCCEED").map((u) => `${u.ParentId ?? ""}/${u.Id}`).sort();
      };
      const forward = await idsFor(false);
      expect(new Set(forward).size).toBe(forward.length);
      expect(await idsFor(true)).toEqual(forward);
    }), { numRuns: 20 });
  });

  test("property 4, batching efficiency: N updates in one tick take ceil(N/250) requests within the size cap", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 0, max: 4000 }), async (n, payloadBytes) => {
      const service = new MemoryClient({});
      const event = service.event();
      const state = new ExecutionState();
      const batcher = new CheckpointBatcher({
        client: service, arn: ARN, token: event.CheckpointToken, state,
        onFailure: (e) => { throw e; }, onClosed: () => {}, onIdle: () => {},
      });
      const updates: OperationUpdate[] = Array.from({ length: n }, (_, i) => ({
        Id: md5(String(i + 1)), Type: "STEP", SubType: "Step", Action: "START",
      }));
      const big = "p".repeat(payloadBytes);
      await Promise.all(updates.map((u) => batcher.enqueue(payloadBytes ? { ...u, Action: "SUCCEED", Payload: big } : u)));
      const sizes = service.requests.map((r) => Buffer.byteLength(JSON.stringify(r.Updates), "utf8"));
      const expectedByCount = Math.ceil(n / 250);
      const totalBytes = sizes.reduce((a, b) => a + b, 0);
      expect(service.requests.length).toBeGreaterThanOrEqual(expectedByCount);
      expect(service.requests.length).toBeLessThanOrEqual(Math.max(expectedByCount, Math.ceil(totalBytes / (700 * 1024))) + 1);
      if (payloadBytes === 0) expect(service.requests.length).toBe(expectedByCount);
      for (const request of service.requests) expect(request.Updates!.length).toBeLessThanOrEqual(250);
      for (const size of sizes) expect(size).toBeLessThanOrEqual(750 * 1024);
      expect(service.updates().map((u) => u.Id)).toEqual(updates.map((u) => u.Id));
    }), { numRuns: 30 });
  });

  test("property 7, step semantics: at-most-once START is acknowledged before the body runs, at-least-once START is not awaited", async () => {
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.boolean(), async (atMostOnce, fails) => {
      const service = new MemoryClient({});
      let sentBeforeBody: OperationUpdate[] = [];
      const handler = withDurableExecution(async (_e, ctx) => {
        try {
          await ctx.step("s", async () => {
            sentBeforeBody = service.updates();
            if (fails) throw new Error("no");
            return 1;
          }, { semantics: atMostOnce ? StepSemantics.AtMostOncePerRetry : StepSemantics.AtLeastOncePerRetry, retryStrategy: retryPresets.noRetry });
        } catch {
          // recorded as FAIL
        }
      }, { durableExecutionClient: service });
      await service.drive(handler);
      expect(sentBeforeBody.map((u) => u.Action)).toEqual(atMostOnce ? ["START"] : []);
      expect(service.updates().map((u) => u.Action)).toEqual(["START", fails ? "FAIL" : "SUCCEED"]);
    }), runs);
  });

  test("property 8, duration validation: valid durations convert to whole seconds, anything else is UD_INVALID_DURATION", () => {
    const unit = fc.option(fc.oneof(fc.nat(1000), fc.double({ noNaN: false }), fc.constant(-1)), { nil: undefined });
    fc.assert(fc.property(fc.record({ days: unit, hours: unit, minutes: unit, seconds: unit }, { requiredKeys: [] }), (d) => {
      const values = Object.values(d).filter((v) => v !== undefined) as number[];
      const total = (d.days ?? 0) * 86400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0);
      const valid = values.length > 0 && values.every((v) => Number.isFinite(v) && v >= 0) && Number.isInteger(total);
      if (valid) expect(durationToSeconds(d, "wait")).toBe(total);
      else expect(() => durationToSeconds(d, "wait")).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_DURATION }));
    }), { numRuns: 200 });
    for (const bad of [null, 5, "5s", [], { weeks: 1 }, {}]) {
      expect(() => durationToSeconds(bad, "wait")).toThrow(DurableError);
    }
  });

  test("property 9, orphaned children: updates from children of a finished context are never sent", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 4 }), async (late) => {
      const service = new MemoryClient({});
      let lateBodies = 0;
      const handler = withDurableExecution(async (_e, ctx) => {
        const r = await ctx.runInChildContext("parent", async (child) => {
          for (let i = 0; i < late; i++) {
            void child.step(`late-${i}`, () => new Promise((r) => setTimeout(() => r(lateBodies++), 5)));
          }
          return "returned early";
        });
        await new Promise((r) => setTimeout(r, 30));
        return r;
      }, { durableExecutionClient: service });
      const { output } = await service.drive(handler);
      expect(output.Status).toBe("SUCCEEDED");
      expect(lateBodies).toBe(late);
      expect(service.updates().filter((u) => u.Action === "SUCCEED" && u.Name?.startsWith("late-"))).toEqual([]);
    }), { numRuns: 8 });
  });

  test("property 10, non-determinism: changing a recorded position fails the execution, never PENDING", async () => {
    await fc.assert(fc.asyncProperty(program.filter((p) => p.length > 0), fc.nat(), fc.constantFrom("name", "type"), async (actions, at, change) => {
      const first = await runProgram(actions);
      const index = at % actions.length;
      const original = actions[index]!;
      const mutated: Action =
        change === "type"
          ? original.kind === "wait" ? { kind: "step", value: 1 } : { kind: "wait", seconds: 1 }
          : original.kind === "wait" ? { kind: "child", name: "renamed", body: [] } : { ...original, name: `${original.name ?? ""}-renamed` };
      const changed = actions.map((a, i) => (i === index ? mutated : a));
      const handler = withDurableExecution((_e, ctx) => interpret(ctx, changed, { bodies: 0, values: [] }), { durableExecutionClient: first.service });
      const output = await handler(first.service.event(), {});
      expect(output.Status).toBe("FAILED");
      expect(output).toMatchObject({ Error: { ErrorType: "NonDeterministicExecutionError" } });
    }), { numRuns: 30 });
  });

  test("retry strategies: delays follow the backoff within the jitter bounds, whole seconds >= 1, and stop at maxAttempts", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 30 }), fc.double({ min: 1, max: 3, noNaN: true }), fc.integer({ min: 1, max: 8 }),
      fc.constantFrom(JitterStrategy.NONE, JitterStrategy.FULL, JitterStrategy.HALF), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (initial, rate, attempt, jitter, r) => {
        const strategy = createRetryStrategy({ maxAttempts: 6, initialDelay: { seconds: initial }, backoffRate: rate, maxDelay: { minutes: 2 }, jitter }, () => r);
        const decision = strategy(new Error("x"), attempt);
        if (attempt >= 6) {
          expect(decision).toEqual({ shouldRetry: false });
          return;
        }
        const base = Math.min(initial * rate ** (attempt - 1), 120);
        const seconds = decision.delay!.seconds!;
        expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
        const low = jitter === JitterStrategy.HALF ? base / 2 : jitter === JitterStrategy.FULL ? 0 : base;
        expect(seconds).toBeGreaterThanOrEqual(Math.max(1, Math.round(low)));
        expect(seconds).toBeLessThanOrEqual(Math.max(1, Math.round(base)));
      },
    ), { numRuns: 200 });
    expect(createRetryStrategy({ retryableErrors: ["net"] })(new Error("disk full"), 1)).toEqual({ shouldRetry: false });
    expect(createRetryStrategy({ retryableErrorTypes: [TypeError] })(new TypeError("t"), 1).shouldRetry).toBe(true);
    expect(retryPresets.linear(new Error("x"), 3)).toEqual({ shouldRetry: true, delay: { seconds: 3 } });
    expect(retryPresets.noRetry(new Error("x"), 1)).toEqual({ shouldRetry: false });
  });

  test("Lambda output matches the execution outcome: SUCCEEDED with the JSON result, FAILED with the error, PENDING on a wait", async () => {
    const outcome = fc.oneof(
      fc.record({ kind: fc.constant("return" as const), value: fc.option(json, { nil: undefined }) }),
      fc.record({ kind: fc.constant("throw" as const), message: fc.string(), type: fc.constantFrom("Error", "TypeError", "RangeError") }),
      fc.record({ kind: fc.constant("wait" as const) }),
    );
    await fc.assert(fc.asyncProperty(outcome, async (o) => {
      const service = new MemoryClient({});
      const handler = withDurableExecution(async (_e, ctx) => {
        if (o.kind === "wait") await ctx.wait({ seconds: 5 });
        if (o.kind === "throw") throw new (globalThis as unknown as Record<string, ErrorConstructor>)[o.type]!(o.message);
        return o.kind === "return" ? o.value : undefined;
      }, { durableExecutionClient: service });
      const output = await handler(service.event(), {});
      if (o.kind === "wait") expect(output).toEqual({ Status: "PENDING" });
      else if (o.kind === "throw") expect(output).toEqual({ Status: "FAILED", Error: { ErrorType: o.type, ErrorMessage: o.message } });
      else expect(output).toEqual(o.value === undefined ? { Status: "SUCCEEDED" } : { Status: "SUCCEEDED", Result: JSON.stringify(o.value) });
    }), runs);
  });
});
