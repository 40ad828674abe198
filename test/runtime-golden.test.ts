/**
 * Golden histories: operation states written by the official SDK 2.4.0 (one finished execution,
 * one suspended at a wait) and stored under test/support/golden/. use-durable must replay them
 * unchanged, now and in every later version: a finished one to its result without sending a
 * single update, a suspended one onward with the ids the official SDK would have used.
 * Regenerate only on purpose, never to make a failure go away: UPDATE_GOLDEN=1 npx vitest run <this file>.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { createRetryStrategy, JitterStrategy, withDurableExecution } from "../runtime/index.ts";
import type { DurableExecutionInvocationOutput, Operation } from "../runtime/protocol/wire.ts";
import { MemoryClient } from "./support/memory-client.ts";

const dir = new URL("./support/golden/", import.meta.url);

/** Written against the official API; `api` supplies the strategy helpers of either runtime. */
const workflow = (api: { createRetryStrategy: typeof createRetryStrategy }) => async (event: { customer: string }, ctx: DurableContext) => {
  const order = await ctx.step("create-order", async () => ({ id: `order-${event.customer}`, total: 4200 }));
  const charged = await ctx.runInChildContext("payment", async (c) => {
    const auth = await c.step("authorize", async () => "auth-1");
    await c.wait("settle", { minutes: 5 });
    return c.step("capture", async () => `${auth}:captured`, {
      retryStrategy: api.createRetryStrategy({ maxAttempts: 2, jitter: JitterStrategy.NONE }),
    });
  });
  await ctx.wait({ hours: 1 });
  const shipped = await ctx.step(async () => `shipped ${order.id}`);
  return { order, charged, shipped };
};

interface Golden {
  input: unknown;
  operations: Operation[];
}

async function record(): Promise<Record<string, Golden>> {
  const official = await import("@aws/durable-execution-sdk-js");
  const input = { customer: "ada" };
  const service = new MemoryClient(input);
  service.now = Date.now();
  const handler = official.withDurableExecution(workflow(official as never) as never, { durableExecutionClient: service } as never) as unknown as
    (event: unknown, context: unknown) => Promise<DurableExecutionInvocationOutput>;
  const lambdaContext = { awsRequestId: "golden", getRemainingTimeInMillis: () => 900_000 };
  const suspended = await handler(service.event(), lambdaContext);
  if (suspended.Status !== "PENDING") throw new Error(`expected PENDING, got ${JSON.stringify(suspended)}`);
  const atWait = { input, operations: service.visible() };
  const { output } = await service.drive(handler);
  if (output.Status !== "SUCCEEDED") throw new Error(`expected SUCCEEDED, got ${JSON.stringify(output)}`);
  return { "official-suspended": atWait, "official-finished": { input, operations: service.visible() } };
}

if (process.env["UPDATE_GOLDEN"] === "1") {
  for (const [name, golden] of Object.entries(await record())) {
    writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(golden, null, 2)}\n`);
  }
}

function load(name: string): { service: MemoryClient; golden: Golden } {
  const golden = JSON.parse(readFileSync(fileURLToPath(new URL(`${name}.json`, dir)), "utf8")) as Golden;
  const service = new MemoryClient(golden.input);
  service.operations.clear();
  for (const op of golden.operations) service.operations.set(op.Id, op);
  return { service, golden };
}

const expected = { order: { id: "order-ada", total: 4200 }, charged: "auth-1:captured", shipped: "shipped order-ada" };

describe("golden histories written by the official SDK", () => {
  test("a finished execution replays to its result without sending any update", async () => {
    const { service } = load("official-finished");
    const bodies: string[] = [];
    const handler = withDurableExecution(async (event: { customer: string }, ctx: DurableContext) => {
      bodies.push("handler");
      return workflow({ createRetryStrategy })(event, ctx);
    }, { durableExecutionClient: service });
    expect(await handler(service.event(), {})).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify(expected) });
    expect(service.requests).toEqual([]);
    expect(bodies).toEqual(["handler"]);
  });

  test("an execution suspended by the official SDK continues on use-durable with the official ids", async () => {
    const { service, golden } = load("official-suspended");
    const handler = withDurableExecution(workflow({ createRetryStrategy }), { durableExecutionClient: service });
    service.advance();
    const { output } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify(expected) });
    const finished = load("official-finished").golden.operations.map(({ Id, ParentId, Type, SubType, Name, Status }) => ({ Id, ParentId, Type, SubType, Name, Status }));
    const ours = [...service.operations.values()].map(({ Id, ParentId, Type, SubType, Name, Status }) => ({ Id, ParentId, Type, SubType, Name, Status }));
    // the official finished state lacks the payment context's pruned children; compare what both keep
    for (const op of finished) expect(ours).toContainEqual(op);
    expect(golden.operations.length).toBeGreaterThan(2);
  });
});
