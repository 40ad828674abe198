/**
 * The bad-input corpus against the engine (issue 11): malformed requests to its HTTP API, one row
 * each, over raw HTTP as a broken client would send them. Each row asserts the service's answer
 * (status, x-amzn-errortype, a message naming what is wrong) and that nothing is lost: the
 * execution's operations and its live token are what they were before the bad request.
 * Complements engine-http.test.ts (stale tokens, bad callback ids, oversized results, unknown routes).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import { createEngine, type Engine } from "../engine/index.ts";

let engine: Engine;
const parked: Array<{ event: any; release(output: unknown): void }> = [];

beforeAll(async () => {
  engine = await createEngine({ database: ":memory:", clock: "real", http: true });
  engine.register("parked", { handler: (event: unknown) => new Promise((release) => parked.push({ event, release })) });
  engine.register("approvals", {
    handler: withDurableExecution(async (_event, ctx) => {
      const [answer] = await ctx.createCallback<string>("approve");
      return answer;
    }),
  });
});
afterAll(() => engine.close());

const base = () => `${engine.url}/2025-12-01/durable-executions`;
const post = (path: string, body: string) => fetch(`${base()}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });

async function parkedExecution() {
  const started = await fetch(`${engine.url}/2015-03-31/functions/parked/invocations`, { method: "POST", headers: { "X-Amz-Invocation-Type": "Event" }, body: "{}" });
  expect(started.status).toBe(202);
  while (parked.length === 0) await new Promise((r) => setTimeout(r, 5));
  return parked.shift()!;
}

async function operationsOf(arn: string, token: string): Promise<unknown[]> {
  const res = await fetch(`${base()}/${encodeURIComponent(arn)}/state?CheckpointToken=${encodeURIComponent(token)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { Operations: unknown[] }).Operations;
}

const ROWS: Array<{ name: string; body: (token: string) => string; says: RegExp }> = [
  { name: "a truncated JSON body", body: () => '{"CheckpointToken": "', says: /Could not parse request body into json/ },
  { name: "no CheckpointToken", body: () => JSON.stringify({ Updates: [] }), says: /Invalid checkpoint token/ },
  { name: "Updates that is not a list", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: "STEP" }), says: /Updates must be a list/ },
  { name: "an update that is null", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [null] }), says: /Each update must be an object/ },
  { name: "an update without a Type", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [{ Id: "s9", Action: "START" }] }), says: /Unknown operation type/ },
  { name: "an update without an Id", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [{ Type: "STEP", Action: "START" }] }), says: /must have an Id/ },
  { name: "an unknown Action", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [{ Id: "s9", Type: "STEP", Action: "EXPLODE" }] }), says: /Invalid action/ },
  { name: "a name over 256 characters", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [{ Id: "s9", Type: "STEP", SubType: "Step", Action: "START", Name: "n".repeat(257) }] }), says: /Name must be 1 to 256 .*\(update s9\)/ },
  { name: "a payload over 256 KiB", body: (t) => JSON.stringify({ CheckpointToken: t, Updates: [{ Id: "s9", Type: "STEP", SubType: "Step", Action: "SUCCEED", Payload: "x".repeat(256 * 1024 + 1) }] }), says: /payload size must be less than or equal to 262144 bytes/ },
];

describe("bad checkpoint requests to the engine's HTTP API get the service's errors and lose nothing", () => {
  test.each(ROWS)("$name", async ({ body, says }) => {
    const { event, release } = await parkedExecution();
    const arn: string = event.DurableExecutionArn;
    const path = `/${encodeURIComponent(arn)}/checkpoint`;
    const good = await post(path, JSON.stringify({ CheckpointToken: event.CheckpointToken, Updates: [{ Id: "s1", Type: "STEP", SubType: "Step", Action: "SUCCEED", Name: "kept", Payload: "1" }] }));
    expect(good.status).toBe(200);
    const { CheckpointToken: token } = (await good.json()) as { CheckpointToken: string };
    const before = await operationsOf(arn, token);

    const bad = await post(path, body(token));
    const text = await bad.text();
    expect(bad.status, text).toBeGreaterThanOrEqual(400);
    expect(bad.status, text).toBeLessThan(500);
    expect(bad.headers.get("x-amzn-errortype"), text).toMatch(/Exception$/);
    expect(text).toMatch(says);
    // Nothing lost: the state is unchanged, and the live token still checkpoints.
    expect(await operationsOf(arn, token)).toEqual(before);
    const after = await post(path, JSON.stringify({ CheckpointToken: token, Updates: [] }));
    expect(after.status, await after.clone().text()).toBe(200);
    release({ Status: "PENDING" });
    await fetch(`${base()}/${encodeURIComponent(arn)}/stop`, { method: "POST", body: "{}" });
  });
});

describe("callbacks answered twice or after completion", () => {
  test("a second answer and a heartbeat after the callback completed are refused; the first answer stands", async () => {
    const started = await fetch(`${engine.url}/2015-03-31/functions/approvals/invocations`, { method: "POST", headers: { "X-Amz-Invocation-Type": "Event" }, body: "{}" });
    const arn = started.headers.get("x-amz-durable-execution-arn")!;
    let callbackId: string | undefined;
    while (!callbackId) {
      const history = (await (await fetch(`${base()}/${encodeURIComponent(arn)}/history`)).json()) as { Events: Array<{ EventType: string; CallbackStartedDetails?: { CallbackId: string } }> };
      callbackId = history.Events.find((e) => e.EventType === "CallbackStarted")?.CallbackStartedDetails?.CallbackId;
      if (!callbackId) await new Promise((r) => setTimeout(r, 5));
    }
    const callback = `${engine.url}/2025-12-01/durable-execution-callbacks/${encodeURIComponent(callbackId)}`;
    expect((await fetch(`${callback}/succeed`, { method: "POST", body: "first" })).status).toBe(200);
    const twice = await fetch(`${callback}/succeed`, { method: "POST", body: "second" });
    expect(twice.status).toBe(400);
    expect(twice.headers.get("x-amzn-errortype")).toMatch(/Exception$/);
    const heartbeat = await fetch(`${callback}/heartbeat`, { method: "POST", body: "{}" });
    expect(heartbeat.status).toBe(400);
    expect(heartbeat.headers.get("x-amzn-errortype")).toMatch(/Exception$/);
    const done = await engine.waitFor(arn);
    expect(done.Result).toBe('"first"');
  });
});
