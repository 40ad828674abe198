/**
 * The deterministic simulation (test/simulation/SPEC.md) in the suite: 500 seeded fault schedules
 * against the simulated service must all hold, and the simulation's own checks must fail where a
 * runtime breaks them (a handler that answers PENDING with nothing pending, one that never
 * answers, one that sends an invalid update, one whose answer depends on the faults, an
 * at-most-once body run twice). Long runs: `npm run simulate -- --schedules 10000 [--seed S]`.
 */
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { withDurableExecution } from "../runtime/index.ts";
import { FaultSchedule, activity } from "./simulation/fault-client.ts";
import { drive } from "./simulation/lambda-driver.ts";
import { Random } from "./simulation/random.ts";
import { ServiceModel } from "./simulation/service-model.ts";
import { reproduction, simulate } from "./simulation/simulate.ts";
import { Effects } from "./simulation/workflows.ts";

const quietWorld = { callback: () => "never" as const, invoke: () => ({ afterSeconds: 1, result: "null" }) };

async function driveOnce(handler: (event: any, lambdaContext: unknown) => Promise<unknown>, faults = FaultSchedule.none(new Random(7))) {
  const service = new ServiceModel({}, quietWorld);
  const violations: string[] = [];
  const result = await drive(handler, service, faults, violations);
  return { ...result, violations: [...violations, ...service.violations], service };
}

describe("the deterministic simulation", () => {
  test("500 fault schedules: the fault-free result, no lost operation, no duplicated at-most-once effect, every invocation answers", async () => {
    const report = await simulate(1, 500);
    const failures = report.failures.map((f) => `seed ${f.seed} (${f.workflow}): ${f.violations.join(" | ")}\n  reproduce: ${reproduction(f.seed)}`);
    expect(failures).toEqual([]);
    expect(report.schedules).toBe(500);
    // The schedules really are bad days: every fault kind was injected, and compiled code ran.
    for (const kind of ["throttle", "server", "lost", "slow", "stale", "abandon"]) expect(report.faults[kind]).toBeGreaterThan(20);
    expect(report.compiled).toBeGreaterThan(20);
    expect(report.thrown).toBeGreaterThan(100);
  }, 300_000);

  test("a handler answering PENDING with nothing pending is a violation", async () => {
    const run = await driveOnce(async () => ({ Status: "PENDING" }));
    expect(run.violations).toEqual(["invocation 1 answered PENDING with nothing pending (the service rejects that)"]);
  });

  test("a handler that never answers is a violation, told apart from slow work", async () => {
    const run = await driveOnce(async () => new Promise(() => {}));
    expect(run.violations).toEqual(["invocation 1 never answered (no activity for 200 turns)"]);
    const slow = await driveOnce(async () => {
      for (let i = 0; i < 500; i++) {
        activity.count++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { Status: "SUCCEEDED", Result: "1" };
    });
    expect(slow.violations).toEqual([]);
  });

  test("an invalid update is rejected by the service model and recorded; the invocation rethrowing it is retried forever", async () => {
    const run = await driveOnce(async (event) => {
      await event.durableExecutionClient.checkpoint({
        DurableExecutionArn: event.DurableExecutionArn,
        CheckpointToken: event.CheckpointToken,
        Updates: [{ Id: "a", Type: "WAIT", Action: "SUCCEED" }],
      });
      return { Status: "SUCCEEDED" };
    });
    expect(new Set(run.violations)).toEqual(new Set([
      "the service rejected a request: Invalid action for the given operation type. (WAIT SUCCEED a)",
      "invocation retried forever: 40 thrown in a row, last InvalidParameterValueException: Invalid action for the given operation type. (WAIT SUCCEED a)",
    ]));
  });

  test("a call after the invocation answered, and a checkpoint after the execution ended, are recorded", async () => {
    let client: any;
    let token = "";
    const service = new ServiceModel({}, quietWorld);
    const violations: string[] = [];
    await drive(async (event: any) => {
      client = event.durableExecutionClient;
      token = event.CheckpointToken;
      return { Status: "SUCCEEDED" };
    }, service, FaultSchedule.none(new Random(1)), violations);
    expect(violations).toEqual([]);
    void client.checkpoint({ DurableExecutionArn: service.arn, CheckpointToken: token, Updates: [] });
    expect(violations).toEqual(["invocation 1 called CheckpointDurableExecution after it answered"]);
    expect(() => service.checkpoint({ DurableExecutionArn: service.arn, CheckpointToken: token, Updates: [] })).toThrow(/Invalid checkpoint token/);
    expect(service.violations).toEqual(["checkpoint after the execution ended: (no updates)"]);
  });

  test("faults that change a handler's answer are caught: a thrown invocation is retried and counted", async () => {
    const faults = new FaultSchedule(new Random(3), { kinds: ["server"], rate: 1, budget: 2, abandons: 0 });
    let invocations = 0;
    const handler = withDurableExecution(async (_input: unknown, ctx: DurableContext) => {
      invocations++;
      return ctx.step("once", async () => invocations);
    });
    const run = await driveOnce(handler, faults);
    expect(run.violations).toEqual([]);
    expect(run.thrown).toBe(2);
    expect(run.output).toEqual({ Status: "SUCCEEDED", Result: "3" });
  });

  test("an at-most-once body run twice in one attempt is counted as a violation", () => {
    const effects = new Effects();
    effects.run("/1", 1, true);
    effects.run("/1", 2, true);
    effects.run("/2", 1, false);
    effects.run("/2", 1, false);
    expect(effects.violations).toEqual([]);
    effects.run("/1", 1, true);
    expect(effects.violations).toEqual(["the at-most-once step /1 ran twice in attempt 1"]);
  });
});
