/**
 * The engine's scheduling: many executions at once within a function's concurrency, the state
 * paged to a handler when it is larger than the first page, and a chained invoke of a function
 * nobody registered failing as Lambda would (ResourceNotFoundException) without harming the caller.
 */
import { afterEach, expect, test } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import { createEngine, type Engine } from "../engine/index.ts";

let engine: Engine | undefined;
afterEach(() => engine?.close());

test("executions run at once up to the function's concurrency, and all complete", async () => {
  engine = await createEngine({ database: ":memory:", clock: "skip" });
  let running = 0;
  let most = 0;
  engine.register(
    "limited",
    {
      handler: withDurableExecution(async (_event, ctx) => {
        await ctx.step("work", async () => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        });
        await ctx.wait("rest", { minutes: 1 });
        return "ok";
      }),
    },
    { concurrency: 3 },
  );
  const arns = Array.from({ length: 12 }, () => engine!.start("limited").arn);
  const done = await Promise.all(arns.map((arn) => engine!.waitFor(arn)));
  expect(done.every((e) => e.Status === "SUCCEEDED")).toBe(true);
  expect(most).toBe(3);
});

test("a state larger than the first page is paged to the handler with GetDurableExecutionState", async () => {
  engine = await createEngine({ database: ":memory:", clock: "skip", statePageSize: 3 });
  const pages: Array<string | undefined> = [];
  const inner = withDurableExecution(async (_event, ctx) => {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += await ctx.step(`s${i}`, async () => i);
    await ctx.wait("nap", { seconds: 10 });
    return sum;
  });
  engine.register("paged", {
    handler: (event: { InitialExecutionState: { NextMarker?: string }; durableExecutionClient: { getExecutionState(r: unknown): Promise<{ NextMarker?: string }> } }, context: unknown) => {
      pages.push(event.InitialExecutionState.NextMarker || undefined);
      const client = event.durableExecutionClient;
      const get = client.getExecutionState.bind(client);
      client.getExecutionState = async (request) => {
        const page = await get(request);
        pages.push(page.NextMarker || undefined);
        return page;
      };
      return inner(event, context);
    },
  });
  const done = await engine.waitFor(engine.start("paged").arn);
  expect(done).toMatchObject({ Status: "SUCCEEDED", Result: "45" });
  // Second invocation: 12 operations (the execution, 10 steps, the wait) in pages of 3, then 1000.
  const second = pages.slice(pages.indexOf(undefined) + 1);
  expect(second[0]).toBeDefined();
  expect(second.at(-1)).toBeUndefined();
});

test("invoking a function nobody registered fails that operation with ResourceNotFoundException", async () => {
  engine = await createEngine({ database: ":memory:", clock: "skip" });
  engine.register("caller", {
    handler: withDurableExecution(async (_event, ctx) => {
      try {
        return await ctx.invoke("missing", "no-such-function", { x: 1 });
      } catch (error) {
        return { caught: (error as Error).message, cause: ((error as Error).cause as Error | undefined)?.name };
      }
    }),
  });
  const done = await engine.waitFor(engine.start("caller").arn);
  expect(JSON.parse(done.Result!)).toMatchObject({ caught: expect.stringMatching(/Function not found: no-such-function/) });
});
