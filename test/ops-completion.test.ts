// The seed's property 6 (map/parallel completion criteria) over random outcomes and configs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompletionReason, ExecutionCounters, completeBatch, completionConfigProblem, continueBatch } from "../runtime/batch/completion.ts";
import type { CompletionConfig } from "../runtime/batch/completion.ts";
import { executeBatch } from "../runtime/batch/concurrent-executor.ts";

const outcomes = fc.array(fc.boolean(), { minLength: 0, maxLength: 40 }); // true = success

/** Feeds outcomes in order until the counters say complete; returns where it stopped. */
function drive(results: boolean[], config: CompletionConfig | undefined) {
  const c = new ExecutionCounters(results.length, config);
  let stoppedAt = results.length;
  for (let i = 0; i < results.length; i++) {
    c.start(i);
    if (results[i]) c.succeed(i);
    else c.fail(i);
    if (c.isComplete() || !c.shouldContinue()) {
      stoppedAt = i + 1;
      break;
    }
  }
  return { c, stoppedAt };
}

describe("ExecutionCounters (property 6)", () => {
  it("min-successful triggers completion exactly when the n-th success lands", () => {
    fc.assert(
      fc.property(outcomes, fc.nat(45), (results, min) => {
        const { c, stoppedAt } = drive(results, { minSuccessful: min, toleratedFailureCount: results.length });
        const successesAt = results.map((_, i) => results.slice(0, i + 1).filter(Boolean).length);
        const expected = Math.max(1, successesAt.findIndex((s) => s >= min) + 1);
        const reached = successesAt.some((s) => s >= min);
        expect(stoppedAt).toBe(reached ? Math.min(expected, results.length) : results.length);
        if (results.length > 0 && reached && stoppedAt < results.length) {
          expect(c.completionReason()).toBe(CompletionReason.MIN_SUCCESSFUL_REACHED);
        }
      }),
    );
  });

  it("tolerance exceeded (count or percentage) stops at the first failure past it and wins over ALL_COMPLETED", () => {
    fc.assert(
      fc.property(outcomes, fc.nat(10), fc.double({ min: 0, max: 100, noNaN: true }), fc.boolean(), (results, k, pct, byCount) => {
        const config = byCount ? { toleratedFailureCount: k } : { toleratedFailurePercentage: pct };
        const { c, stoppedAt } = drive(results, config);
        const exceeded = (failures: number) =>
          byCount ? failures > k : results.length > 0 && (failures / results.length) * 100 > pct;
        const firstPast = results.findIndex((_, i) => exceeded(results.slice(0, i + 1).filter((r) => !r).length));
        if (firstPast >= 0) {
          expect(stoppedAt).toBe(firstPast + 1);
          expect(c.completionReason()).toBe(CompletionReason.FAILURE_TOLERANCE_EXCEEDED);
          expect(c.shouldContinue()).toBe(false);
        } else {
          expect(stoppedAt).toBe(results.length);
          expect(c.completionReason()).toBe(CompletionReason.ALL_COMPLETED);
        }
      }),
    );
  });

  it("an empty config (or none) is fail-fast", () => {
    fc.assert(
      fc.property(outcomes, fc.constantFrom<CompletionConfig | undefined>(undefined, {}, { minSuccessful: undefined }), (results, config) => {
        const { c, stoppedAt } = drive(results, config);
        const firstFailure = results.indexOf(false);
        expect(stoppedAt).toBe(firstFailure >= 0 ? firstFailure + 1 : results.length);
        expect(c.completionReason()).toBe(
          firstFailure >= 0 ? CompletionReason.FAILURE_TOLERANCE_EXCEEDED : CompletionReason.ALL_COMPLETED,
        );
      }),
    );
  });

  it("all completed triggers when every item finished within tolerance", () => {
    fc.assert(
      fc.property(outcomes, (results) => {
        const { c, stoppedAt } = drive(results, { toleratedFailureCount: results.length });
        expect(stoppedAt).toBe(results.length);
        expect(c.isComplete()).toBe(true);
        expect(c.completionReason()).toBe(CompletionReason.ALL_COMPLETED);
      }),
    );
  });

  it("counts and the failure percentage are exact at every point", () => {
    fc.assert(
      fc.property(outcomes, fc.nat(40), (results, cut) => {
        const c = new ExecutionCounters(results.length);
        const done = results.slice(0, Math.min(cut, results.length));
        done.forEach((ok, i) => (c.start(i), ok ? c.succeed(i) : c.fail(i)));
        const s = done.filter(Boolean).length;
        const f = done.length - s;
        expect([c.successCount, c.failureCount, c.completedCount, c.pendingCount, c.startedCount]).toEqual([
          s, f, s + f, results.length - s - f, done.length,
        ]);
        expect(c.failurePercentage).toBeCloseTo(results.length === 0 ? 0 : (f / results.length) * 100, 10);
      }),
    );
  });

  it("a custom shouldComplete owns the decision and its outcome", () => {
    fc.assert(
      fc.property(outcomes, fc.nat(40), fc.boolean(), (results, after, failIt) => {
        const config: CompletionConfig = {
          shouldComplete: (s) => (s.completedCount >= after ? completeBatch(failIt ? "FAILED" : "SUCCEEDED") : continueBatch()),
        };
        const { c, stoppedAt } = drive(results, config);
        expect(stoppedAt).toBe(Math.min(Math.max(after, 1), results.length));
        if (after <= stoppedAt && results.length > 0) {
          expect(c.completionReason()).toBe(failIt ? "CUSTOM_COMPLETION_FAILED" : "CUSTOM_COMPLETION_SUCCEEDED");
        }
      }),
    );
  });

  it("rejects contradictory or out-of-range configs with a message naming the field", () => {
    expect(completionConfigProblem({ minSuccessful: 1, shouldComplete: () => continueBatch() } as never)).toMatch(/cannot be combined/);
    expect(completionConfigProblem({ minSuccessful: -1 })).toMatch(/minSuccessful/);
    expect(completionConfigProblem({ toleratedFailurePercentage: 101 })).toMatch(/toleratedFailurePercentage/);
    expect(completionConfigProblem({ toleratedFailureCount: 1.5 })).toMatch(/toleratedFailureCount/);
    expect(completionConfigProblem({ minSuccessful: 2, toleratedFailureCount: 0 })).toBeUndefined();
  });
});

type Plan = "ok" | "fail" | "wait";
// Lets every queued microtask run (the executor hands out freed permits a microtask later).
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("executeBatch (property 6: suspension, order, concurrency)", () => {
  it("starts items in index order, never runs more than maxConcurrency, and settles with exact counts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), fc.nat(30), async (results, max, min) => {
        const startOrder: number[] = [];
        let running = 0;
        let peak = 0;
        const config = { minSuccessful: min, toleratedFailureCount: 3 };
        const batch = await executeBatch({
          count: results.length,
          maxConcurrency: max,
          completionConfig: config,
          runItem: async (i) => {
            startOrder.push(i);
            peak = Math.max(peak, ++running);
            await flush();
            running--;
            if (!results[i]) throw new Error(`item ${i}`);
            return i;
          },
        });
        expect(startOrder).toEqual(startOrder.map((_, i) => i));
        expect(peak).toBeLessThanOrEqual(max);
        expect(batch.all.map((i) => i.index)).toEqual(startOrder);
        expect(batch.successCount + batch.failureCount + batch.startedCount).toBe(batch.totalCount);
        // Every item waits the same one macrotask, so items finish in start order whatever maxConcurrency
        // is: the batch must stop exactly where the counters fed in index order stop, for the same reason.
        const reference = drive(results, config);
        expect(batch.successCount + batch.failureCount).toBe(reference.stoppedAt);
        expect(batch.completionReason).toBe(reference.c.completionReason());
        if (max === 1) expect(batch.totalCount).toBe(reference.stoppedAt);
        for (const item of batch.failed()) expect(item.error.message).toBe(`item ${item.index}`);
      }),
      { numRuns: 60 },
    );
  });

  it("suspends (starts nothing more, never settles) while every running item waits, and resumes when they finish", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Plan>("ok", "fail", "wait"), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 5 }), async (plans, max) => {
        const release: Array<() => void> = [];
        let started = 0;
        let settled = false;
        const promise = executeBatch({
          count: plans.length,
          maxConcurrency: max,
          completionConfig: { toleratedFailureCount: plans.length },
          runItem: (i) => {
            started++;
            if (plans[i] === "wait") return new Promise<number>((resolve) => release.push(() => resolve(i)));
            return plans[i] === "ok" ? Promise.resolve(i) : Promise.reject(new Error("x"));
          },
        });
        void promise.then(() => (settled = true));
        await flush();
        const waiting = plans.filter((p) => p === "wait").length;
        if (waiting > 0) {
          expect(settled).toBe(false);
          expect(release.length).toBeLessThanOrEqual(max);
          // Blocked exactly when every permit is held by a waiting item or nothing is left to start.
          expect(release.length === max || started === plans.length).toBe(true);
        }
        while (release.length > 0) {
          release.shift()!();
          await flush();
        }
        const batch = await promise;
        expect(started).toBe(plans.length);
        expect(batch.successCount).toBe(plans.filter((p) => p !== "fail").length);
        expect(batch.failureCount).toBe(plans.filter((p) => p === "fail").length);
        expect(batch.completionReason).toBe(CompletionReason.ALL_COMPLETED);
      }),
      { numRuns: 60 },
    );
  });

  it("ignores items that finish after the batch completed and calls onSettled first", async () => {
    let late!: () => void;
    const events: string[] = [];
    const batch = await executeBatch({
      count: 3,
      completionConfig: { minSuccessful: 1 },
      runItem: (i) =>
        i === 1 ? Promise.resolve("fast") : new Promise<string>((resolve) => (late = () => resolve("late"))),
      onSettled: () => events.push("settled"),
    });
    late();
    await flush();
    expect(events).toEqual(["settled"]);
    expect(batch.all.map((i) => i.status)).toEqual(["STARTED", "SUCCEEDED", "STARTED"]);
    expect(batch.completionReason).toBe(CompletionReason.MIN_SUCCESSFUL_REACHED);
  });

  it("completes an empty batch at once", async () => {
    const batch = await executeBatch({ count: 0, runItem: () => Promise.resolve(1) });
    expect([batch.totalCount, batch.completionReason, batch.status]).toEqual([0, "ALL_COMPLETED", "SUCCEEDED"]);
  });
});
