/**
 * The surfaces other code calls into: the intrinsics (step, sleep, context), the dispatch
 * contract with compiled code (runtime/SPEC.md: registerStep, durable, enterDurable, callStep,
 * callDurable, call), and the argument normalisation every operation shares.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { configureStep, context, DurableError, ErrorCode, retryPresets, sleep, step, withDurableExecution } from "../runtime/index.ts";
import { NameRule, splitName } from "../runtime/context/arguments.ts";
import * as internal from "../runtime/internal.ts";
import { MemoryClient } from "./support/memory-client.ts";

const on = (service: MemoryClient, body: (input: any, ctx: DurableContext) => Promise<unknown>) =>
  withDurableExecution(body, { durableExecutionClient: service });

describe("intrinsics and the compiled-code contract", () => {
  test("use-durable/internal exports exactly the names runtime/SPEC.md fixes for emitted code", () => {
    const spec = readFileSync(fileURLToPath(new URL("../runtime/SPEC.md", import.meta.url)), "utf8");
    const contract = spec.slice(spec.indexOf("## The contract with emitted code"), spec.indexOf("### Dispatch"));
    const specified = [...contract.matchAll(/^(\w+)(?:<[^>]*>)?\(/gm)].map((m) => m[1]).sort();
    expect(specified).toContain("callStep");
    expect(Object.keys(internal).sort()).toEqual(specified);
    for (const value of Object.values(internal)) expect(typeof value).toBe("function");
  });

  test("step, sleep and context find the current context; outside one, or inside a step, they say where to call them", async () => {
    expect(() => context()).toThrow(expect.objectContaining({ code: ErrorCode.NOT_IN_DURABLE_CONTEXT }));
    expect(() => step(async () => 1)).toThrow(/outside a durable function/);
    const service = new MemoryClient({});
    const handler = on(service, async () => {
      const a = await step("a", async () => 1);
      const inner = await context().runInChildContext("child", async () => step("b", async () => 2));
      let inside = "";
      await step("c", async () => {
        try {
          await sleep({ seconds: 1 });
        } catch (error) {
          inside = (error as DurableError).code;
        }
      });
      return [a, inner, inside];
    });
    expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify([1, 2, ErrorCode.INSIDE_STEP]) });
  });

  test("callStep, callDurable, call, durable and enterDurable follow the dispatch rules", async () => {
    const charge = internal.registerStep(async function charge(cents: number) {
      return cents * 2;
    }, { name: "charge" });
    configureStep(charge, { retryStrategy: retryPresets.noRetry });
    const plain = async (x: number) => x + 1;
    const sub = internal.durable(async (x: number) => {
      const doubled = await internal.callStep("charge", charge, undefined, [x]);
      return internal.call("plain", plain, undefined, [doubled]);
    }, { name: "sub" });
    async function main(this: unknown, _input: { x: number }): Promise<unknown> {
      return internal.enterDurable(main, this, arguments, async function (input: { x: number }) {
        const viaCompiler = await internal.callDurable("sub", sub, undefined, [input.x]);
        const viaTag = await internal.call("sub#2", sub, undefined, [10]);
        const uncompiled = await sub(100); // rule 2: a child context named after the function
        return [viaCompiler, viaTag, uncompiled];
      }, { name: "main" });
    }
    internal.registerDurable(main, { name: "main" });

    await expect(sub(1)).rejects.toMatchObject({ code: ErrorCode.NOT_DEPLOYED, message: expect.stringMatching(/"sub".*Deploy it/) });
    // rule 3: called with a durable invocation event and no context, it is the Lambda handler
    const service = new MemoryClient({ x: 5 });
    const output = await main({ ...service.event(), durableExecutionClient: service } as never);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify([11, 21, 201]) });
    const starts = service.updates().filter((u) => u.Action === "START").map((u) => `${u.Type}:${u.Name}`);
    expect(starts).toEqual(["CONTEXT:sub", "STEP:charge", "CONTEXT:sub#2", "STEP:charge", "CONTEXT:sub", "STEP:charge"]);
  }, 10_000);
});

describe("a compiled step called from code the compiler did not rewrite", () => {
  test("is a STEP named at run time inside an execution, a plain call inside a step or outside any", async () => {
    const calls: string[] = [];
    async function lookup(this: unknown, _q: string): Promise<string> {
      return internal.enterStep(lookup, this, arguments, async function lookup(query: string) {
        calls.push(query);
        return `r:${query}`;
      }, { name: "lookup" }) as Promise<string>;
    }
    internal.registerStep(lookup, { name: "lookup" });
    const lib = async (tool: (q: string) => Promise<string>, qs: string[]) => Promise.all(qs.map((q) => tool(q)));
    expect(await lookup("plain")).toBe("r:plain");
    const service = new MemoryClient({});
    const output = await on(service, async (_i, ctx) => {
      const viaLibrary = await lib(lookup, ["a", "b"]);
      const inside = await ctx.step("outer", async () => lookup("nested"));
      const child = await ctx.runInChildContext("child", async () => lib(lookup, ["c"]));
      return [viaLibrary, inside, child];
    })(service.event(), {});
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify([["r:a", "r:b"], "r:nested", ["r:c"]]) });
    const steps = service.updates().filter((u) => u.Type === "STEP" && u.Action === "START").map((u) => u.Name);
    expect(steps).toEqual(["lookup", "lookup#2", "outer", "lookup"]);
    expect(calls).toEqual(["plain", "a", "b", "nested", "c"]);
  });
});

describe("source compatibility with @aws/durable-execution-sdk-js 2.x", () => {
  test("a context has every member of the official DurableContext interface", async () => {
    const dts = readFileSync(fileURLToPath(import.meta.resolve("@aws/durable-execution-sdk-js").replace(/dist\/index\.mjs$/, "dist-types/types/durable-context.d.ts")), "utf8");
    const body = dts.slice(dts.indexOf("interface DurableContext<"), dts.indexOf("\n}", dts.indexOf("interface DurableContext<")));
    const members = [...new Set([...body.matchAll(/^ {4}(\w+)[<(:]/gm)].map((m) => m[1]!))].sort();
    expect(members).toEqual(expect.arrayContaining(["step", "wait", "runInChildContext", "logger", "configureLogger", "configureSerdes"]));
    const service = new MemoryClient({});
    let ctx: Record<string, unknown> = {};
    await on(service, async (_i, c) => {
      ctx = c as unknown as Record<string, unknown>;
    })(service.event(), {});
    expect(members.filter((name) => !(name in ctx))).toEqual([]);
  });
});

describe("argument normalisation (arguments.ts)", () => {
  test("the optional leading name follows the official SDK's rule for each method", () => {
    const fn = () => 1;
    expect(splitName("step", ["n", fn, {}])).toEqual({ name: "n", rest: [fn, {}], where: 'step "n"' });
    expect(splitName("step", [fn, {}])).toEqual({ name: undefined, rest: [fn, {}], where: "step" });
    expect(splitName("step", [undefined, fn])).toEqual({ name: undefined, rest: [fn], where: "step" });
    expect(splitName("wait", [{ seconds: 1 }], NameRule.stringFirst)).toEqual({ name: undefined, rest: [{ seconds: 1 }], where: "wait" });
    expect(splitName("wait", ["w", { seconds: 1 }], NameRule.stringFirst)).toEqual({ name: "w", rest: [{ seconds: 1 }], where: 'wait "w"' });
    // invoke(a, b) with two strings is (name, funcId); invoke(funcId, input) is not
    expect(splitName("invoke", ["a", "b"], NameRule.stringSecond)).toEqual({ name: "a", rest: ["b"], where: 'invoke "a"' });
    expect(splitName("invoke", ["fn", { x: 1 }], NameRule.stringSecond)).toEqual({ name: undefined, rest: ["fn", { x: 1 }], where: "invoke" });
  });

  test("names must be 1 to 256 printable ASCII characters, and callbacks functions; errors say how to call it", async () => {
    expect(() => splitName("step", ["x".repeat(257), () => 1])).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    expect(() => splitName("step", ["caf\u00e9", () => 1])).toThrow(/printable ASCII/);
    const service = new MemoryClient({});
    const output = await on(service, async (_i, ctx) => {
      try {
        await ctx.step("no-fn", 42 as never);
      } catch (error) {
        return (error as Error).message;
      }
    })(service.event(), {});
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify("step: fn must be a function, got number. Call it as step(name?, fn, config?).") });
  });
});

