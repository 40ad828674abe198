/**
 * Crash consistency: an engine process under load (5 executions of 60 steps in child contexts and
 * a wait, in worker threads) is killed with SIGKILL at seeded random moments (after a random
 * number of newly acknowledged steps, plus a random delay), 20 times, and restarted on the same
 * file each time. After every kill the file is checked as the crash left it:
 * no half-applied request (events numbered without gaps and matching the operations they
 * describe, creation order intact). Each step appends its result to a log after its checkpoint
 * was acknowledged; at the end every logged step is in the history with that result, and every
 * execution has completed with the right total. The work (300 steps) outlasts the kills: about 120
 * steps are acknowledged by the 20th on an idle machine.
 */
import { GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { Store, type StoredEvent } from "../engine/store/store.ts";
import { bundleHandlers } from "./support/bundle-handlers.ts";
import { startEngineChild, type EngineChild } from "./support/engine-child.ts";

const dir = join(import.meta.dirname, "..", ".tmp", `engine-crash-${process.pid}`);
const children: EngineChild[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  rmSync(dir, { recursive: true, force: true });
});

const SEED = 20_261_204;
const KILLS = 20;
const EXECUTIONS = 5;
// Enough work that 20 kills cannot outlast it on a fast, idle machine (4 rounds ran out by kill 15).
const ROUNDS = 12;
const STEPS = EXECUTIONS * ROUNDS * 5;
const EXPECTED_TOTAL = 25 * ROUNDS * (ROUNDS - 1) + 10 * ROUNDS; // sum of round * 10 + i over the rounds' 5 steps

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a crash must never leave: every execution's events and operations agree, without gaps. */
async function checkNoPartialRequest(db: string): Promise<number> {
  const store = new Store(db);
  let operations = 0;
  try {
    for (const execution of store.db.prepare("SELECT * FROM executions").all() as Array<{ arn: string; lastEventId: number; nextOrd: number; seq: number; status: string }>) {
      const events = store.events(execution.arn, 0, 100_000, false);
      const rows = store.operations(execution.arn);
      operations += rows.length;
      expect(events.map((e) => e.EventId)).toEqual(events.map((_, i) => i + 1));
      expect(execution.lastEventId).toBe(events.length);
      expect(rows.map((r) => r.ord)).toEqual(rows.map((_, i) => i));
      expect(execution.nextOrd).toBe(rows.length);
      const byId = new Map(rows.map((r) => [r.id, r.operation]));
      const eventsOf = (id: string, type: string) => events.filter((e: StoredEvent) => e.Id === id && e.EventType === type);
      for (const row of rows) {
        expect(row.seq).toBeLessThanOrEqual(execution.seq);
        const op = row.operation;
        if (op.Type === "STEP" && op.Status === "SUCCEEDED") {
          expect(eventsOf(op.Id, "StepSucceeded").map((e) => (e.StepSucceededDetails as { Result: { Payload?: string } }).Result.Payload)).toEqual([op.StepDetails?.Result]);
        }
        if (op.Type === "CONTEXT") {
          expect(eventsOf(op.Id, "ContextStarted")).toHaveLength(1);
          expect(eventsOf(op.Id, "ContextSucceeded")).toHaveLength(op.Status === "SUCCEEDED" ? 1 : 0);
        }
      }
      for (const event of events) if (typeof event.Id === "string") expect(byId.has(event.Id)).toBe(true);
    }
  } finally {
    await store.close();
  }
  return operations;
}

test(`an engine killed ${KILLS} times under load loses no acknowledged checkpoint, shows no partial request, and completes every execution`, async () => {
  const log = join(dir, "acknowledged.log");
  const bundles = await bundleHandlers(dir, {
    rounds: `import { appendFileSync } from "node:fs";
      export const handler = withDurableExecution(async (e, ctx) => {
        let total = 0;
        for (let round = 0; round < ${ROUNDS}; round++) {
          total += await ctx.runInChildContext(\`round-\${round}\`, async (child) => {
            let sum = 0;
            for (let i = 0; i < 5; i++) {
              const value = await child.step(\`s\${i}\`, async () => round * 10 + i);
              appendFileSync(${JSON.stringify(log)}, \`\${e.id} round-\${round} s\${i} \${value}\\n\`);
              sum += value;
            }
            return sum;
          });
          if (round === 1) await ctx.wait("pause", { seconds: 30 });
        }
        return total;
      });`,
  });
  const db = join(dir, "engine.db");
  const next = random(SEED);
  const start = async () => {
    const child = await startEngineChild(db, "skip", bundles);
    children.push(child);
    return child;
  };

  let child = await start();
  let client = new LambdaClient({ endpoint: child.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const arns: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    const payload = new TextEncoder().encode(JSON.stringify({ id: `x${i}` }));
    arns.push((await client.send(new InvokeCommand({ FunctionName: "rounds", InvocationType: "Event", DurableExecutionName: `x${i}`, Payload: payload }))).DurableExecutionArn!);
  }
  // Progress is counted in distinct acknowledged steps, so every kill lands after new work.
  const acknowledged = () => (existsSync(log) ? new Set(readFileSync(log, "utf8").split("\n").filter(Boolean)).size : 0);
  const seen: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const target = Math.min(STEPS, acknowledged() + 1 + Math.floor(next() * 3));
    if (acknowledged() >= STEPS) break;
    for (let waited = 0; acknowledged() < target; waited += 5) {
      if (waited > 20_000) throw new Error(`no progress before kill ${kill + 1} (${acknowledged()} of ${STEPS} steps acknowledged): ${child.stderr()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, Math.floor(next() * 15)));
    await child.kill("SIGKILL");
    seen.push(await checkNoPartialRequest(db));
    child = await start();
  }
  client = new LambdaClient({ endpoint: child.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  for (const arn of arns) {
    for (let i = 0; ; i++) {
      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
      if (execution.Status !== "RUNNING") {
        expect(execution).toMatchObject({ Status: "SUCCEEDED", Result: String(EXPECTED_TOTAL) });
        break;
      }
      if (i > 3000) throw new Error(`${arn} did not complete`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  // The kills landed while work was under way: the store grew between them.
  expect(new Set(seen).size).toBeGreaterThan(KILLS / 2);

  // Every step whose checkpoint was acknowledged (logged after it returned) is recorded with its result.
  const lines = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  expect(lines.length).toBeGreaterThanOrEqual(STEPS);
  for (const [i, arn] of arns.entries()) {
    const events = (await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, MaxItems: 1000 }))).Events!;
    const contextIds = new Map(events.filter((e) => e.EventType === "ContextStarted").map((e) => [e.Id!, e.Name!]));
    const recorded = new Set(
      events.filter((e) => e.EventType === "StepSucceeded").map((e) => `x${i} ${contextIds.get(e.ParentId!)} ${e.Name} ${e.StepSucceededDetails!.Result!.Payload}`),
    );
    for (const line of lines.filter((l) => l.startsWith(`x${i} `))) expect(recorded.has(line)).toBe(true);
    expect(recorded.size).toBe(ROUNDS * 5);
  }
  await child.kill("SIGTERM");
  expect(await checkNoPartialRequest(db)).toBe(EXECUTIONS * (1 + ROUNDS * 6 + 1));
}, 240_000); // about 25 s on an idle 2-core machine; each restart is a Node start, more when the machine is busy
