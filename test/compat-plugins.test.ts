/**
 * Compatibility, issue 10 point 4: instrumentation plugins, as in the official SDK 2.4. The same
 * recording plugin sees the same operation hooks on both SDKs for a handler that runs in one
 * invocation; across invocations (use-durable, in-memory service) the replay flags, the
 * invocation hooks and their statuses are pinned; wrappers run the user's code inside their own
 * async context (as a tracer does) and cannot swallow its errors; a failing plugin changes
 * nothing; DURABLE_EXECUTION_PLUGINS loads providers from modules, and its errors fail the
 * invocation on both SDKs; pluginsConfig.childOperationsDepth keeps child operations
 * (ReplayChildren) as on the official SDK.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as official from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";
import type { DurableInstrumentationPlugin } from "../runtime/index.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import { MemoryClient } from "./support/memory-client.ts";
import { comparable } from "./support/twins.ts";

type Api = typeof official;
type Ctx = official.DurableContext;

beforeAll(startEmulator);
afterAll(stopEmulator);

/** Records every hook as "hook type/subType name [status] flags". */
function recorder() {
  const calls: string[] = [];
  const describeOp = (i: any) => `${i.type}/${i.subType ?? "-"} ${i.name ?? "-"}`;
  const plugin: DurableInstrumentationPlugin = {
    async onInvocationStart(i) { calls.push(`invocationStart first=${i.isFirstInvocation}`); },
    async onInvocationEnd(i) { calls.push(`invocationEnd ${i.status}${i.executionError ? ` error=${i.executionError.message}` : ""}${i.executionResult !== undefined ? ` result=${JSON.stringify(i.executionResult)}` : ""}`); },
    async onOperationStart(i) { calls.push(`start ${describeOp(i)} replay=${i.isReplay}`); },
    async onOperationEnd(i) { calls.push(`end ${describeOp(i)} ${i.status} replay=${i.isReplay}${i.error ? " error" : ""}`); },
    async onOperationAttemptStart(i) { calls.push(`attemptStart ${describeOp(i)} #${i.attempt}`); },
    async onOperationAttemptEnd(i) { calls.push(`attemptEnd ${describeOp(i)} #${i.attempt} ${i.outcome}${i.error ? ` ${i.error.message}` : ""}`); },
    wrapOperationAttemptFn(i, fn) { calls.push(`wrapAttempt ${describeOp(i)}`); return fn(); },
    wrapChildContextFn(i, fn) { calls.push(`wrapChild ${describeOp(i)} replay=${i.isReplay}`); return fn(); },
  };
  return { calls, plugin };
}

const oneInvocation = (api: Api) => async (_e: unknown, ctx: Ctx) => {
  const a = await ctx.step("a", async () => 1);
  const failed = await ctx.step("bad", async () => { throw new Error("nope"); }, { retryStrategy: () => ({ shouldRetry: false }) }).catch((e: unknown) => (e as Error).message);
  const child = await ctx.runInChildContext("child", async (c) => c.step("inner", async () => 2));
  const both = await ctx.parallel("fan", [async (c) => c.step("x", async () => 3), async (c) => c.step("y", async () => 4)]);
  const polled = await ctx.waitForCondition("poll", async (s: number) => s + 1, {
    initialState: 0,
    waitStrategy: api.createWaitStrategy({ shouldContinuePolling: () => false }),
  });
  return { a, failed, child, both: both.getResults(), polled };
};

describe("operation hooks, on both SDKs", () => {
  test("the same hooks, in the same order, for a handler that runs in one invocation", async () => {
    const theirs = recorder();
    const mine = recorder();
    const runTheirs = await runOnEmulator(official.withDurableExecution(oneInvocation(official), { plugins: [theirs.plugin as never] }) as never);
    const runMine = await runOnEmulator(ours.withDurableExecution(oneInvocation(ours as unknown as Api) as never, { plugins: [mine.plugin] }));
    expect(runTheirs.status).toBe("SUCCEEDED");
    expect(comparable(runMine)).toEqual(comparable(runTheirs));
    expect(theirs.calls).toContain("attemptEnd STEP/Step bad #1 FAILED nope");
    expect(mine.calls).toEqual(theirs.calls);
  });
});

describe("across invocations (use-durable, in-memory service)", () => {
  test("replays are flagged, a wait ends in the invocation it completed for, each invocation is told its status", async () => {
    const { calls, plugin } = recorder();
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) => {
      await ctx.runInChildContext("prep", async (c) => c.step("p", async () => 1));
      await ctx.step("flaky", async ({ attempt }) => {
        if (attempt === 1) throw new Error("first");
        return attempt;
      }, { retryStrategy: () => ({ shouldRetry: true, delay: { seconds: 1 } }) });
      await ctx.wait("nap", { seconds: 5 });
      return "done";
    }, { durableExecutionClient: service, plugins: [plugin] });
    const { output, invocations } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: '"done"' });
    expect(invocations).toBe(3);
    expect(calls).toEqual([
      "invocationStart first=true",
      "start CONTEXT/RunInChildContext prep replay=false",
      "wrapChild CONTEXT/RunInChildContext prep replay=false",
      "start STEP/Step p replay=false", "attemptStart STEP/Step p #1", "wrapAttempt STEP/Step p", "attemptEnd STEP/Step p #1 SUCCEEDED", "end STEP/Step p SUCCEEDED replay=false",
      "end CONTEXT/RunInChildContext prep SUCCEEDED replay=false",
      "start STEP/Step flaky replay=false", "attemptStart STEP/Step flaky #1", "wrapAttempt STEP/Step flaky", "attemptEnd STEP/Step flaky #1 FAILED first",
      "invocationEnd PENDING",
      "invocationStart first=false",
      "start STEP/Step flaky replay=true", "attemptStart STEP/Step flaky #2", "wrapAttempt STEP/Step flaky", "attemptEnd STEP/Step flaky #2 SUCCEEDED", "end STEP/Step flaky SUCCEEDED replay=false",
      "start WAIT/Wait nap replay=false",
      "invocationEnd PENDING",
      "invocationStart first=false",
      "end WAIT/Wait nap SUCCEEDED replay=true",
      'invocationEnd SUCCEEDED result="done"',
    ]);
  });

  test("a wait the service completed since the last invocation ends as new, not as a replay", async () => {
    const { calls, plugin } = recorder();
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) => ctx.wait("nap", { seconds: 5 }), { durableExecutionClient: service, plugins: [plugin] });
    expect(await handler(service.event(), {})).toEqual({ Status: "PENDING" });
    service.advance();
    const event = { ...service.event(), UpdatedOperationIds: ["c4ca4238a0b92382"] };
    expect(await handler(event, {})).toEqual({ Status: "SUCCEEDED" });
    expect(calls).toContain("end WAIT/Wait nap SUCCEEDED replay=false");
  });

  test("a failed execution and a retried invocation are told as such", async () => {
    const { calls, plugin } = recorder();
    const failing = new MemoryClient({});
    await ours.withDurableExecution(async () => { throw new TypeError("bad input"); }, { durableExecutionClient: failing, plugins: [plugin] })(failing.event(), {});
    const broken = new MemoryClient({});
    broken.checkpoint = async () => Promise.reject(Object.assign(new Error("socket hang up"), { $metadata: { httpStatusCode: 503 } }));
    await expect(ours.withDurableExecution(async (_e, ctx) => ctx.step("s", async () => 1), { durableExecutionClient: broken, plugins: [plugin] })(broken.event(), {})).rejects.toThrow();
    expect(calls.filter((c) => c.startsWith("invocationEnd"))).toEqual(["invocationEnd FAILED error=bad input", expect.stringMatching(/^invocationEnd RETRYING error=Checkpoint request failed \(HTTP 503\)/)]);
  });
});

describe("wrappers and failing plugins", () => {
  test("a wrapper's async context reaches the step body, the child body and the invocation", async () => {
    const trace = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const tracer: DurableInstrumentationPlugin = {
      wrapInvocation: (_i, fn) => trace.run("invocation", fn),
      wrapChildContextFn: (i, fn) => trace.run(`child ${i.name}`, fn),
      wrapOperationAttemptFn: (i, fn) => trace.run(`step ${i.name}`, fn),
    };
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) => {
      seen.push(trace.getStore());
      await ctx.runInChildContext("group", async (c) => {
        seen.push(trace.getStore());
        await c.step("work", async () => seen.push(trace.getStore()));
      });
    }, { durableExecutionClient: service, plugins: [tracer] });
    expect((await handler(service.event(), {})).Status).toBe("SUCCEEDED");
    expect(seen).toEqual(["invocation", "child group", "step work"]);
  });

  test("a plugin that throws, rejects or swallows the user's error changes nothing", async () => {
    const hostile: DurableInstrumentationPlugin = {
      onOperationStart: () => Promise.reject(new Error("plugin down")),
      onOperationEnd: () => { throw new Error("plugin down"); },
      wrapOperationAttemptFn: async (_i, fn) => { try { return await (fn() as Promise<unknown>); } catch { return "swallowed"; } },
      wrapChildContextFn: () => { throw new Error("wrapper broken"); },
      enrichLogContext: () => { throw new Error("no fields"); },
    };
    const service = new MemoryClient({});
    const handler = ours.withDurableExecution(async (_e, ctx) => {
      ctx.logger.info("still logging");
      const inChild = await ctx.runInChildContext("c", async () => "ran");
      const failed = await ctx.step("s", async () => { throw new Error("real failure"); }, { retryStrategy: () => ({ shouldRetry: false }) }).catch((e: Error) => e.message);
      return { inChild, failed };
    }, { durableExecutionClient: service, plugins: [hostile] });
    expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify({ inChild: "ran", failed: "real failure" }) });
  });

  test("enrichLogContext adds fields to the default logger's records", async () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as never;
    try {
      const service = new MemoryClient({});
      await ours.withDurableExecution(async (_e, ctx) => ctx.logger.info("hello"), {
        durableExecutionClient: service,
        plugins: [{ enrichLogContext: () => ({ traceId: "t-1" }) }],
      })(service.event(), {});
    } finally {
      process.stdout.write = write;
    }
    expect(JSON.parse(lines.find((l) => l.includes("hello"))!)).toMatchObject({ message: "hello", traceId: "t-1" });
  });
});

describe("DURABLE_EXECUTION_PLUGINS", () => {
  let dir: string;
  const modules: Record<string, string> = {
    "good.mjs": `
      export class Recorder { constructor() { this.calls = []; globalThis.__udRecorders = [...(globalThis.__udRecorders ?? []), this]; }
        async onOperationStart(i) { this.calls.push("start " + i.name); } }
      export const durableExecutionPluginProvider = { pluginApiVersion: 1, pluginType: Recorder, createPlugin: () => new Recorder() };`,
    "on-default.mjs": `
      class Quiet { async onInvocationStart() { globalThis.__udDefault = (globalThis.__udDefault ?? 0) + 1; } }
      export default { durableExecutionPluginProvider: { pluginApiVersion: 1, pluginType: Quiet, createPlugin: () => new Quiet() } };`,
    "old-version.mjs": `export const durableExecutionPluginProvider = { pluginApiVersion: 2, pluginType: class {}, createPlugin: () => ({}) };`,
    "wrong-type.mjs": `class A {} export const durableExecutionPluginProvider = { pluginApiVersion: 1, pluginType: A, createPlugin: () => ({}) };`,
    "no-provider.mjs": `export const something = 1;`,
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ud-plugins-"));
    for (const [name, source] of Object.entries(modules)) await writeFile(join(dir, name), source);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  /** Builds a handler while the variable is set (plugins load when the handler is made). */
  const withPlugins = <T>(value: string, make: () => T): T => {
    const previous = process.env["DURABLE_EXECUTION_PLUGINS"];
    process.env["DURABLE_EXECUTION_PLUGINS"] = value;
    try {
      return make();
    } finally {
      if (previous === undefined) delete process.env["DURABLE_EXECUTION_PLUGINS"];
      else process.env["DURABLE_EXECUTION_PLUGINS"] = previous;
    }
  };

  test("providers named in the variable are loaded after the configured plugins, in order", async () => {
    const service = new MemoryClient({});
    const order: string[] = [];
    const handler = withPlugins(`${join(dir, "good.mjs")}, ${join(dir, "on-default.mjs")}`, () =>
      ours.withDurableExecution(async (_e, ctx) => ctx.step("s", async () => 1), {
        durableExecutionClient: service,
        plugins: [{ onOperationStart: async () => void order.push("configured") }],
      }));
    expect((await handler(service.event(), {})).Status).toBe("SUCCEEDED");
    const g = globalThis as { __udRecorders?: Array<{ calls: string[] }>; __udDefault?: number };
    expect(g.__udRecorders?.at(-1)?.calls).toEqual(["start s"]);
    expect(g.__udDefault).toBeGreaterThan(0);
    expect(order).toEqual(["configured"]);
  });

  for (const [label, value] of [["a module that is not there", "./does-not-exist.mjs"], ["a provider of another API version", "old-version.mjs"], ["a plugin of the wrong type", "wrong-type.mjs"], ["a module without a provider", "no-provider.mjs"], ["an empty entry", "good.mjs,,"]] as const) {
    test(`${label} fails every invocation with PluginLoadError, on both SDKs`, async () => {
      const spec = value.split(",").map((s) => (s.endsWith(".mjs") && !s.startsWith("./") ? join(dir, s) : s)).join(",");
      for (const api of [official, ours as unknown as Api]) {
        const service = new MemoryClient({});
        const handler = withPlugins(spec, () => api.withDurableExecution(async (_e: unknown, ctx: Ctx) => ctx.step("s", async () => 1), { durableExecutionClient: service as never }));
        const output = await handler(service.event() as never, {} as never);
        expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "PluginLoadError", ErrorMessage: expect.stringMatching(/^Dynamic plugin configuration failed: /) } });
        expect(service.requests).toHaveLength(0);
      }
    });
  }
});

describe("pluginsConfig.childOperationsDepth", () => {
  test("keeps the children of contexts within the depth (ReplayChildren), and replays through them, on both SDKs", async () => {
    const body = () => async (_e: unknown, ctx: Ctx) => {
      const outer = await ctx.runInChildContext("outer", async (c) => c.runInChildContext("inner", async (d) => d.step("leaf", async () => "v")));
      const items = await ctx.map("m", [1, 2], async (c, x: number) => c.step("double", async () => x * 2));
      await ctx.wait("nap", { seconds: 2 });
      return { outer, items: items.getResults() };
    };
    const theirs = await runOnEmulator(official.withDurableExecution(body(), { pluginsConfig: { childOperationsDepth: 1 } }) as never);
    const mine = await runOnEmulator(ours.withDurableExecution(body() as never, { pluginsConfig: { childOperationsDepth: 1 } }));
    expect(theirs.result).toEqual({ outer: "v", items: [2, 4] });
    expect(comparable(mine)).toEqual(comparable(theirs));
    const kept = (run: typeof mine) => run.raw.operations.filter((o) => o.getOperationData()?.ContextDetails?.ReplayChildren).map((o) => o.getName());
    expect(kept(mine)).toEqual(kept(theirs));
    expect(kept(mine)).toEqual(["outer", "m"]);
  });

  test("a depth that is not a non-negative integer or Infinity fails the invocation, on both SDKs", async () => {
    for (const api of [official, ours as unknown as Api]) {
      const service = new MemoryClient({});
      const output = await api.withDurableExecution(async () => "x", { durableExecutionClient: service as never, pluginsConfig: { childOperationsDepth: -1 } })(service.event() as never, {} as never);
      expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorMessage: expect.stringContaining("childOperationsDepth must be a non-negative integer or Infinity") } });
    }
  });
});
