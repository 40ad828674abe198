/**
 * Compatibility, issue 10 point 4: the features of the official SDK 2.4 behind the exports
 * use-durable lacked, each checked for what it does, and on both SDKs where it touches the wire:
 * class serdes, payload previews (compared with the official `buildPreview` on generated values),
 * the file-system serdes, withRetry, client errors and their scope, the Lambda API client class,
 * the event with a client, SDK_VERSION and refreshLogConfig.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as official from "@aws/durable-execution-sdk-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import * as ours from "../runtime/index.ts";
import packageJson from "../package.json" with { type: "json" };
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";
import type { EmulatorRun } from "./support/emulator.ts";
import { startFixtureServer } from "./support/fixture-server.ts";
import { ARN, MemoryClient } from "./support/memory-client.ts";
import { comparable } from "./support/twins.ts";

type Api = typeof official;
type Ctx = official.DurableContext;
const apis: Array<[string, Api]> = [["official", official], ["use-durable", ours as unknown as Api]];

beforeAll(startEmulator);
afterAll(stopEmulator);

/** Runs the same body on both SDKs under the emulator. */
async function twins(body: (api: Api) => (event: unknown, ctx: Ctx) => Promise<unknown>): Promise<[EmulatorRun, EmulatorRun]> {
  const theirs = await runOnEmulator(official.withDurableExecution(body(official)) as never);
  const mine = await runOnEmulator(ours.withDurableExecution(body(ours as unknown as Api) as never));
  return [theirs, mine];
}

class Article {
  title = "";
  createdAt = new Date(0);
  meta: { publishedAt?: Date; tags: string[] } = { tags: [] };
  age(now: number): number {
    return now - this.createdAt.getTime();
  }
}

describe("class serdes", () => {
  test("a step's result comes back as an instance with its dates, on both SDKs", async () => {
    const [theirs, mine] = await twins((api) => async (_e, ctx) => {
      const article = await ctx.step("make", async () => {
        const a = new Article();
        a.title = "durable";
        a.createdAt = new Date(1_000);
        a.meta = { publishedAt: new Date(5_000), tags: ["x"] };
        return a;
      }, { serdes: api.createClassSerdesWithDates(Article, ["createdAt", "meta.publishedAt"]) });
      const plain = await ctx.step("plain", async () => Object.assign(new Article(), { title: "p" }), { serdes: api.createClassSerdes(Article) });
      return { age: article.age(3_000), published: article.meta.publishedAt instanceof Date, isArticle: plain instanceof Article, title: plain.title };
    });
    expect(theirs.result).toEqual({ age: 2_000, published: true, isArticle: true, title: "p" });
    expect(comparable(mine)).toEqual(comparable(theirs));
  });

  test("a date path that is not there is left alone (the official SDK converts the wrong field)", async () => {
    const serdes = ours.createClassSerdesWithDates(Article, ["missing.publishedAt", "createdAt"]);
    const context = { entityId: "e", durableExecutionArn: "a" };
    const back = await serdes.deserialize(await serdes.serialize(Object.assign(new Article(), { title: "t" }), context), context);
    expect(back).toBeInstanceOf(Article);
    expect(back!.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(back!)).toEqual(["title", "createdAt", "meta"]);
  });
});

describe("buildPreview", () => {
  const keys = fc.constantFrom("id", "email", "user", "status", "items", "name", "secret", "__proto__", "a.b");
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(keys, tie("node"), { maxKeys: 4 })),
  })).node;
  const field = fc.record({ name: fc.constantFrom("id", "email", "user", "user.email", "items", "status"), match: fc.constantFrom(undefined, "ANYWHERE", "PATH") }, { requiredKeys: ["name"] });
  const config = fc.record({
    mode: fc.constantFrom("INCLUDE_ALL", "EXCLUDE_ALL"),
    include: fc.option(fc.array(field, { maxLength: 3 }), { nil: undefined }),
    exclude: fc.option(fc.array(field, { maxLength: 2 }), { nil: undefined }),
    mask: fc.option(fc.array(field, { maxLength: 2 }), { nil: undefined }),
    maskString: fc.option(fc.constantFrom("***", "[hidden]"), { nil: undefined }),
    maxPreviewBytes: fc.option(fc.integer({ min: 2, max: 200 }), { nil: undefined }),
  }, { requiredKeys: ["mode"] });

  test("gives what the official buildPreview gives, on generated values and configs", () => {
    fc.assert(
      fc.property(value, config, (v, c) => {
        expect(ours.buildPreview(v, c as never)).toEqual(official.buildPreview(v, c as never));
      }),
      { numRuns: 2_000 },
    );
  });

  test("the documented example", () => {
    const order = { id: "order-123", status: "pending", total: 99, user: { email: "ada@example.com", name: "Ada" } };
    expect(ours.buildPreview(order, { mode: ours.PreviewMode.EXCLUDE_ALL, include: [{ name: "id" }, { name: "status" }], mask: [{ name: "email" }] }))
      .toEqual({ id: "order-123", status: "pending", user: { email: "***" } });
  });
});

describe("file-system serdes", () => {
  let base: string;
  beforeAll(async () => void (base = await mkdtemp(join(tmpdir(), "ud-fs-serdes-"))));
  afterAll(async () => rm(base, { recursive: true, force: true }));

  test("values go to files and come back, ALWAYS and OVERFLOW, with a preview, on both SDKs", async () => {
    const body = (root: string) => (api: Api) => async (_e: unknown, ctx: Ctx) => {
      ctx.configureSerdes({
        defaultSerdes: api.createFileSystemSerdes(join(root, "always"), { generatePreview: (v) => api.buildPreview(v, { mode: api.PreviewMode.EXCLUDE_ALL, include: [{ name: "id" }] }) }),
      });
      const big = await ctx.step("big", async () => ({ id: 7, blob: "x".repeat(300 * 1024) }));
      const overflow = api.createFileSystemSerdes(join(root, "overflow"), { storageMode: api.FileSystemSerdesMode.OVERFLOW, pathEncoding: api.FileSystemPathEncoding.HASH });
      const small = await ctx.step("small", async () => ({ id: 8 }), { serdes: overflow });
      const large = await ctx.step("large", async () => "y".repeat(300 * 1024), { serdes: overflow });
      return { big: big.blob.length, small, large: large.length };
    };
    const theirs = await runOnEmulator(official.withDurableExecution(body(join(base, "official"))(official)) as never);
    const mine = await runOnEmulator(ours.withDurableExecution(body(join(base, "ours"))(ours as unknown as Api) as never));
    expect(theirs.result).toEqual({ big: 300 * 1024, small: { id: 8 }, large: 300 * 1024 });
    expect(comparable(mine)).toEqual(comparable(theirs));
    // The checkpoints hold the same envelopes (file names from the unhashed ids), once the
    // execution directories (from the emulator's ARN, another per run) are named alike.
    const envelopes = (run: EmulatorRun, root: string) =>
      run.raw.operations.map((o) => o.getStepDetails()?.result).map((r) => (typeof r === "string" ? r : JSON.stringify(r)).split(join(base, root)).join("<base>").replace(/(<base>\/(?:always|overflow))\/[^/"]+\//g, "$1/<execution>/"));
    expect(envelopes(mine, "ours")).toEqual(envelopes(theirs, "official"));
    expect(envelopes(mine, "ours")[1]).toBe(JSON.stringify({ data: JSON.stringify({ id: 8 }) }));
    expect(JSON.parse(envelopes(mine, "ours")[0]!)).toMatchObject({ preview: { id: 7 } });
  });

  test("URI names follow the durable execution ARN; HASH names are SHA-256", async () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/run-1/inv-9";
    const context = { entityId: "c4ca4238a0b92382", durableExecutionArn: arn };
    const uri = await ours.createFileSystemSerdes(join(base, "uri")).serialize({ a: 1 }, context);
    expect(JSON.parse(uri!).file).toBe(join(base, "uri", "orders", "run-1", "inv-9", "c4ca4238a0b92382.json"));
    expect(await readFile(JSON.parse(uri!).file, "utf-8")).toBe('{"a":1}');
    const hashed = await ours.createFileSystemSerdes(join(base, "hash"), { pathEncoding: "HASH" }).serialize({ a: 1 }, context);
    expect(JSON.parse(hashed!).file).toMatch(new RegExp(`${join(base, "hash")}/[0-9a-f]{64}/[0-9a-f]{64}\\.json$`));
    expect(await readdir(join(base, "hash"))).toHaveLength(1);
  });
});

describe("withRetry", () => {
  test("retries a group of operations with durable backoff waits, on both SDKs", async () => {
    const [theirs, mine] = await twins((api) => async (_e, ctx) => {
      const named = await api.withRetry(ctx, "charge", async (c, attempt) => {
        await c.step("try", async () => attempt);
        if (attempt < 3) throw new Error(`declined ${attempt}`);
        return attempt;
      }, { retryStrategy: (_error, attempt) => ({ shouldRetry: attempt < 5, delay: { seconds: 2 } }) });
      const unnamed = await api.withRetry(ctx, async (c, attempt) => (attempt === 1 ? Promise.reject(new Error("once")) : c.step(async () => "ok")), {
        retryStrategy: () => ({ shouldRetry: true }),
        wrapWithRunInChildContext: false,
      });
      const gaveUp = await api.withRetry(ctx, "doomed", async () => Promise.reject(new Error("never")), { retryStrategy: () => ({ shouldRetry: false }) }).catch((e: Error) => e.message);
      return { named, unnamed, gaveUp };
    });
    expect(theirs.result).toEqual({ named: 3, unnamed: "ok", gaveUp: "never" });
    expect(theirs.history).toContainEqual(["WaitStarted", "Wait", "charge-backoff-1"]);
    expect(comparable(mine)).toEqual(comparable(theirs));
  });
});

describe("client errors", () => {
  const failingService = (scope: "EXECUTION" | "INVOCATION" | undefined, where: "checkpoint" | "getExecutionState") => {
    const service = new MemoryClient({});
    const error = new ours.DurableExecutionClientError("backend said no", scope && { scope });
    if (where === "checkpoint") service.checkpoint = async () => Promise.reject(error);
    else service.getExecutionState = async () => Promise.reject(error);
    const event = service.event();
    if (where === "getExecutionState") event.InitialExecutionState.NextMarker = "0";
    return { service, event };
  };
  const body = async (_e: unknown, ctx: Ctx) => ctx.step("s", async () => 1);

  for (const [label, api] of apis) {
    test(`${label}: an EXECUTION scope fails the execution, INVOCATION (the default) is thrown for a retry`, async () => {
      for (const where of ["checkpoint", "getExecutionState"] as const) {
        const permanent = failingService("EXECUTION", where);
        const output = await api.withDurableExecution(body, { durableExecutionClient: permanent.service as never })(permanent.event as never, {} as never);
        expect(output.Status).toBe("FAILED");
        for (const scope of ["INVOCATION", undefined] as const) {
          const transient = failingService(scope, where);
          await expect(api.withDurableExecution(body, { durableExecutionClient: transient.service as never })(transient.event as never, {} as never)).rejects.toThrow(/backend said no/);
        }
      }
    });
  }

  test("recognised by shape across copies, and a malformed scope is not believed", () => {
    const foreign = Object.assign(new Error("x"), { isDurableExecutionClientError: true, scope: "EXECUTION" });
    expect(ours.isDurableExecutionClientError(foreign)).toBe(true);
    expect(official.isDurableExecutionClientError(new ours.DurableExecutionClientError("y"))).toBe(true);
    expect(ours.isDurableExecutionClientError(Object.assign(new Error("x"), { isDurableExecutionClientError: true, scope: "SOMETIMES" }))).toBe(false);
    expect(new ours.DurableExecutionClientError("z")).toMatchObject({ name: "DurableExecutionClientError", scope: ours.DurableExecutionClientErrorScope.INVOCATION });
  });
});

describe("the Lambda API client class and the event with a client", () => {
  test("DurableExecutionApiClient speaks the Lambda API (real @aws-sdk/client-lambda, local server)", async () => {
    const service = new MemoryClient({ n: 20 });
    const server = await startFixtureServer(service);
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    try {
      const { LambdaClient } = await import("@aws-sdk/client-lambda");
      const client = new ours.DurableExecutionApiClient(new LambdaClient({ endpoint: server.url }));
      const handler = ours.withDurableExecution(async (e: { n: number }, ctx) => ctx.step("double", async () => e.n * 2), { durableExecutionClient: client });
      expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: "40" });
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /2025-12-01/durable-executions/${encodeURIComponent(ARN)}/checkpoint`]);
      const errors: unknown[][] = [];
      await expect(client.checkpoint({ DurableExecutionArn: ARN, CheckpointToken: "stale" }, { error: (...a: unknown[]) => errors.push(a) })).rejects.toThrow();
      expect(errors[0]?.[0]).toBe("Failed to checkpoint durable execution");
    } finally {
      process.env = saved;
      await server.close();
    }
  });

  test("an event built with DurableExecutionInvocationInputWithClient brings its client", async () => {
    const service = new MemoryClient({});
    const event = new ours.DurableExecutionInvocationInputWithClient(service.event() as never, service);
    expect(await ours.withDurableExecution(async (_e, ctx) => ctx.step("s", async () => "via event"))(event, {})).toEqual({ Status: "SUCCEEDED", Result: '"via event"' });
    expect(service.requests).toHaveLength(1);
    expect(ours.DurableExecutionInvocationInputWithClient.isInstance(event)).toBe(true);
    expect(official.DurableExecutionInvocationInputWithClient.isInstance(event)).toBe(true);
    expect(ours.DurableExecutionInvocationInputWithClient.isInstance(new official.DurableExecutionInvocationInputWithClient(service.event() as never, service as never))).toBe(true);
    expect(ours.DurableExecutionInvocationInputWithClient.isInstance(service.event())).toBe(false);
  });
});

describe("child contexts and errors as the official SDK builds them", () => {
  test("a virtual child context (virtualContext: true) records no CONTEXT of its own, on both SDKs", async () => {
    const [theirs, mine] = await twins(() => async (_e, ctx) =>
      ctx.runInChildContext("v", async (c) => (await c.step("inside", async () => 2)) + 1, { virtualContext: true }));
    expect(theirs.result).toBe(3);
    expect(theirs.history.map(([type]) => type)).not.toContain("ContextStarted");
    expect(comparable(mine)).toEqual(comparable(theirs));
  });

  test("operation errors: constructors, messages, toErrorObject and fromErrorObject", () => {
    const names = ["StepError", "CallbackError", "CallbackExternalError", "CallbackTimeoutError", "CallbackSubmitterError", "InvokeError", "ChildContextError", "WaitForConditionError", "PromiseCombinatorError"] as const;
    const view = (e: official.DurableOperationError) => ({ name: e.name, message: e.message, errorType: e.errorType, data: e.errorData, cause: e.cause?.message });
    for (const name of names) {
      const cause = new TypeError("root");
      const mineError = new (ours[name] as unknown as typeof official.StepError)("boom", cause, "data");
      const theirError = new official[name]("boom", cause, "data");
      expect(view(mineError)).toEqual(view(theirError));
      expect(view(new (ours[name] as unknown as typeof official.StepError)())).toEqual(view(new official[name]()));
      expect(mineError.toErrorObject()).toEqual(theirError.toErrorObject());
      const object = theirError.toErrorObject();
      expect(view(ours.DurableOperationError.fromErrorObject(object) as never)).toEqual(view(official.DurableOperationError.fromErrorObject(object)));
    }
    const batch = new ours.BatchCompletionError("CUSTOM_COMPLETION_FAILED");
    expect({ message: batch.message, reason: batch.completionReason, type: batch.errorType })
      .toEqual((({ message, completionReason, errorType }) => ({ message, reason: completionReason, type: errorType }))(new official.BatchCompletionError("CUSTOM_COMPLETION_FAILED")));
    expect(new ours.StepInterruptedError("1").name).toBe("StepInterruptedError");
  });
});

describe("SDK_VERSION and refreshLogConfig", () => {
  test("SDK_VERSION is this package's version", () => {
    expect(ours.SDK_VERSION).toBe(packageJson.version);
  });

  test("DURABLE_VERBOSE_MODE turns the runtime's trace on once refreshLogConfig reads it", async () => {
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    const run = async () => {
      const service = new MemoryClient({});
      await ours.withDurableExecution(async (_e, ctx) => ctx.step("s", async () => 1), { durableExecutionClient: service })(service.event(), {});
      return debug.mock.calls.filter(([m]) => String(m).startsWith("[use-durable]")).length;
    };
    try {
      process.env["DURABLE_VERBOSE_MODE"] = "true";
      expect(await run()).toBe(0); // read at load: not yet
      ours.refreshLogConfig();
      const traced = await run();
      expect(traced).toBeGreaterThan(0);
      expect(debug.mock.calls.some(([m, data]) => m === "[use-durable] checkpoint" && String(data).includes("STEP START"))).toBe(true);
      delete process.env["DURABLE_VERBOSE_MODE"];
      ours.refreshLogConfig();
      debug.mockClear();
      expect(await run()).toBe(0);
    } finally {
      delete process.env["DURABLE_VERBOSE_MODE"];
      ours.refreshLogConfig();
      debug.mockRestore();
    }
  });
});
