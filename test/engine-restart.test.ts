/**
 * Restart: an execution waiting on a callback and another on a one-hour wait, in an engine
 * process that is then killed with SIGKILL. A new engine process opens the same file; the
 * callback is sent over HTTP from this (another) process; a third process on a skipped clock moves
 * virtual time past the hour. Both executions complete, and every event recorded before the kill
 * is still there, in place.
 */
import {
  GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, InvokeCommand, LambdaClient, SendDurableExecutionCallbackSuccessCommand,
  type Event,
} from "@aws-sdk/client-lambda";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { bundleHandlers } from "./support/bundle-handlers.ts";
import { startEngineChild, type EngineChild } from "./support/engine-child.ts";

const dir = join(import.meta.dirname, "..", ".tmp", `engine-restart-${process.pid}`);
const children: EngineChild[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  rmSync(dir, { recursive: true, force: true });
});

const clientFor = (url: string) => new LambdaClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });

async function history(client: LambdaClient, arn: string): Promise<Event[]> {
  return (await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, MaxItems: 1000 }))).Events!;
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("killed with SIGKILL mid-flight, a restarted engine completes a callback and an hour's wait with nothing lost", async () => {
  const bundles = await bundleHandlers(dir, {
    approval: `export const handler = withDurableExecution(async (e, ctx) => {
      const [answer] = await ctx.createCallback("approve");
      const verdict = await answer;
      return ctx.step("record", async () => \`\${e.order}: \${verdict}\`);
    });`,
    napper: `export const handler = withDurableExecution(async (e, ctx) => {
      const before = await ctx.step("before", async () => e.n);
      await ctx.wait("hour", { hours: 1 });
      return ctx.step("after", async () => before + 1);
    });`,
  });
  const db = join(dir, "engine.db");
  const start = async (clock: "real" | "skip") => {
    const child = await startEngineChild(db, clock, bundles);
    children.push(child);
    return { child, client: clientFor(child.url) };
  };

  // 1. Real time: both executions reach their wait.
  const first = await start("real");
  const invoke = (fn: string, name: string, payload: unknown) =>
    first.client.send(new InvokeCommand({ FunctionName: fn, InvocationType: "Event", DurableExecutionName: name, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  const approval = (await invoke("approval", "order-1", { order: "order-1" })).DurableExecutionArn!;
  const napper = (await invoke("napper", "nap-1", { n: 41 })).DurableExecutionArn!;
  const waiting = async (arn: string, event: string) => {
    const events = await history(first.client, arn);
    return events.some((e) => e.EventType === event) && events.at(-1)?.EventType === "InvocationCompleted" ? events : undefined;
  };
  const approvalBefore = await until("the callback to start", () => waiting(approval, "CallbackStarted"));
  const napperBefore = await until("the wait to start", () => waiting(napper, "WaitStarted"));
  const callbackId = approvalBefore.find((e) => e.EventType === "CallbackStarted")!.CallbackStartedDetails!.CallbackId!;
  await first.child.kill("SIGKILL");

  // 2. A new process on the same file; the callback comes over HTTP from this process.
  const second = await start("real");
  await second.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode("approved") }));
  const approved = await until("the approval to finish", async () => {
    const e = await second.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: approval }));
    return e.Status === "SUCCEEDED" ? e : undefined;
  });
  expect(approved.Result).toBe('"order-1: approved"');
  expect((await second.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: napper }))).Status).toBe("RUNNING");
  await second.child.kill("SIGKILL");

  // 3. Skipped time: the hour passes at once.
  const third = await start("skip");
  const napped = await until("the wait to end", async () => {
    const e = await third.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: napper }));
    return e.Status === "SUCCEEDED" ? e : undefined;
  });
  expect(napped.Result).toBe("42");

  // Nothing lost: every event from before the first kill is still there, in place, numbered 1..n.
  const approvalAfter = await history(third.client, approval);
  const napperAfter = await history(third.client, napper);
  const comparable = (events: Event[]) => events.map(({ EventType, EventId, Id, Name, EventTimestamp }) => ({ EventType, EventId, Id, Name, EventTimestamp }));
  expect(comparable(approvalAfter.slice(0, approvalBefore.length))).toEqual(comparable(approvalBefore));
  expect(comparable(napperAfter.slice(0, napperBefore.length))).toEqual(comparable(napperBefore));
  for (const events of [approvalAfter, napperAfter]) expect(events.map((e) => e.EventId)).toEqual(events.map((_, i) => i + 1));
  expect(approvalAfter.map((e) => e.EventType)).toEqual([
    "ExecutionStarted", "CallbackStarted", "InvocationCompleted", "CallbackSucceeded", "StepStarted", "StepSucceeded", "InvocationCompleted", "ExecutionSucceeded",
  ]);
  const at = (type: string) => napperAfter.find((e) => e.EventType === type)!.EventTimestamp!.getTime();
  expect(at("WaitSucceeded") - at("WaitStarted")).toBeGreaterThanOrEqual(3600 * 1000);
  for (const child of children) expect(child.stderr()).toBe("");
});
