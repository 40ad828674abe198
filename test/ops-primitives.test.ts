// Item batching and createWaitStrategy: the pure parts under map and waitForCondition.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchItems } from "../runtime/batch/item-batcher.ts";
import { WaitForConditionError } from "../runtime/context/errors.ts";
import { WAIT_STRATEGY_DEFAULTS, createWaitStrategy } from "../runtime/operations/wait-strategy.ts";

describe("batchItems", () => {
  it("partitions items into consecutive groups within the limits, each index once and in order", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 50 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 400 }), (items, maxItems, maxBytes) => {
        const groups = batchItems(items, { maxItemsPerBatch: maxItems, maxBytesPerBatch: maxBytes });
        expect(groups.flat()).toEqual(items.map((_, i) => i));
        for (const g of groups) {
          expect(g.length).toBeGreaterThan(0);
          expect(g.length).toBeLessThanOrEqual(maxItems);
          const bytes = g.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(items[i]) ?? ""), 0);
          if (g.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
        }
      }),
    );
  });

  it("rejects a limit below one with the option's name", () => {
    expect(() => batchItems([1], { maxItemsPerBatch: 0 }, 'map "orders"')).toThrow(/^map "orders": itemBatcher\.maxItemsPerBatch must be a whole number >= 1 .*got 0\.$/);
    expect(() => batchItems([1], { maxBytesPerBatch: 0 })).toThrow(/maxBytesPerBatch/);
  });
});

describe("createWaitStrategy", () => {
  it("uses the official defaults: 60 attempts, 5 s x 1.5 up to 300 s, full jitter", () => {
    expect(WAIT_STRATEGY_DEFAULTS).toEqual({
      maxAttempts: 60, initialDelay: { seconds: 5 }, maxDelay: { seconds: 300 }, backoffRate: 1.5, jitter: "FULL",
    });
    const noJitter = createWaitStrategy({ shouldContinuePolling: () => true, jitter: "NONE" });
    const delays = [1, 2, 3, 20].map((n) => noJitter(0, n));
    expect(delays).toEqual([5, 8, 11, 300].map((seconds) => ({ shouldContinue: true, delay: { seconds } })));
    expect(() => noJitter(0, 60)).toThrow(WaitForConditionError);
  });

  it("stops as soon as the condition is met, otherwise waits a whole number of seconds within bounds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 59 }), fc.constantFrom("NONE", "FULL", "HALF" as const), fc.integer({ min: 1, max: 30 }), fc.boolean(), (attempt, jitter, initial, done) => {
        const strategy = createWaitStrategy<boolean>({ shouldContinuePolling: (s) => !s, jitter, initialDelay: { seconds: initial } });
        const decision = strategy(done, attempt);
        if (done) {
          expect(decision).toEqual({ shouldContinue: false });
          return;
        }
        if (!decision.shouldContinue) throw new Error("expected to continue");
        const base = Math.min(initial * 1.5 ** (attempt - 1), 300);
        expect(Number.isInteger(decision.delay.seconds)).toBe(true);
        expect(decision.delay.seconds).toBeGreaterThanOrEqual(jitter === "HALF" ? Math.max(1, Math.round(base / 2)) : 1);
        expect(decision.delay.seconds).toBeLessThanOrEqual(Math.max(1, Math.round(base)));
      }),
    );
  });

  it("explains a missing predicate and bad numbers", () => {
    expect(() => createWaitStrategy({} as never)).toThrow(/shouldContinuePolling/);
    expect(() => createWaitStrategy({ shouldContinuePolling: () => true, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createWaitStrategy({ shouldContinuePolling: () => true, initialDelay: { seconds: -1 } })).toThrow(/initialDelay/);
  });
});
