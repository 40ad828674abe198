/**
 * The deterministic simulation with the engine as the service (test/simulation/SPEC.md): the same
 * workflows, fault client and properties as simulation.test.ts, against the engine's service layer
 * on a real node:sqlite file, with the engine killed and reopened at seeded points (before a
 * command, at a statement inside its transaction, after its commit). Its own checks must fail where
 * the engine breaks them: a store that commits a request statement by statement shows half of a
 * request after a crash. Long runs: `npm run simulate -- --service engine --schedules N [--seed S]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Store } from "../engine/store/store.ts";
import type { DurableContext } from "../runtime/index.ts";
import { StepSemantics, withDurableExecution } from "../runtime/index.ts";
import { CrashPlan } from "./simulation/engine-crashes.ts";
import { EngineService } from "./simulation/engine-service.ts";
import { FaultSchedule } from "./simulation/fault-client.ts";
import { drive } from "./simulation/lambda-driver.ts";
import { Random } from "./simulation/random.ts";
import { reproduction, simulate } from "./simulation/simulate.ts";

const SCHEDULES = 120;
const dir = mkdtempSync(join(tmpdir(), "ud-simulation-engine-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quietWorld = { callback: () => "never" as const, invoke: () => ({ afterSeconds: 1, result: "null" }) };

/** Ten steps and a wait, driven on the engine with a crash at about one command in four. */
async function crashedRuns(onOpen?: (store: Store) => void) {
  const runs = [];
  for (const seed of [11, 12, 13]) runs.push(await crashedRun(seed, onOpen));
  return runs;
}

async function crashedRun(seed: number, onOpen?: (store: Store) => void) {
  const crashes = new CrashPlan(new Random(seed), { rate: 0.25, budget: 8 });
  const service = new EngineService({}, quietWorld, { database: join(dir, `crashed-${seed}.db`), crashes, ...(onOpen && { onOpen }) });
  const handler = withDurableExecution(async (_input: unknown, ctx: DurableContext) => {
    let total = 0;
    for (let i = 0; i < 10; i++) {
      total += await ctx.step(`s${i}`, async () => i, { semantics: i % 2 ? StepSemantics.AtMostOncePerRetry : StepSemantics.AtLeastOncePerRetry });
      if (i === 4) await ctx.wait("pause", { seconds: 30 });
    }
    return total;
  });
  const violations: string[] = [];
  try {
    const result = await drive(handler, service, FaultSchedule.none(new Random(seed)), violations).catch((error: unknown) => {
      violations.push(`the engine threw: ${String(error)}`);
      return undefined;
    });
    return { ...result, violations: [...violations, ...service.violations], crashes: crashes.injected, restarts: service.restarts };
  } finally {
    await service.close();
  }
}

describe("the deterministic simulation on the engine, with engine crashes", () => {
  test(`${SCHEDULES} fault schedules with engine crashes: the fault-free result, nothing committed lost, no half request, every invocation answers`, async () => {
    const report = await simulate(1, SCHEDULES, undefined, "engine");
    const failures = report.failures.map((f) => `seed ${f.seed} (${f.workflow}): ${f.violations.join(" | ")}\n  reproduce: ${reproduction(f.seed, "engine")}`);
    expect(failures).toEqual([]);
    expect(report.schedules).toBe(SCHEDULES);
    // Bad days on the engine: every fault kind, every kind of crash, compiled code.
    for (const kind of ["throttle", "server", "lost", "slow", "stale", "abandon"]) expect(report.faults[kind]).toBeGreaterThan(10);
    for (const kind of ["before", "mid", "after"]) expect(report.crashes[kind]).toBeGreaterThan(20);
    expect(report.compiled).toBeGreaterThan(5);
  }, 300_000);

  test("seed 100557: a callback handed out by a request a mid crash was armed for is still answered (a long run found it unanswered)", async () => {
    const report = await simulate(100_557, 1, undefined, "engine");
    expect(report.failures.flatMap((f) => f.violations)).toEqual([]);
    expect(report.crashes.mid).toBeGreaterThan(0);
  });

  test("crashes at every kind of point leave the engine's store as committed, and the execution completes", async () => {
    const runs = await crashedRuns();
    for (const run of runs) {
      expect(run.violations).toEqual([]);
      expect(run?.output).toEqual({ Status: "SUCCEEDED", Result: "45" });
      expect(run.restarts).toBeGreaterThan(0);
    }
    expect(runs.reduce((n, r) => n + r.crashes.mid, 0)).toBeGreaterThan(0);
  });

  test("a store that commits a request statement by statement is caught: a crash in the middle leaves half of it", async () => {
    const autocommit = (store: Store): void => {
      store.db.transaction = (fn) => fn();
      store.db.savepoint = (fn) => fn();
    };
    const runs = await crashedRuns(autocommit);
    const violations = runs.flatMap((r) => r.violations);
    expect(violations.some((v) => /after engine crash \d+, the store is not what was committed/.test(v))).toBe(true);
  });
});
