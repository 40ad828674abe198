/**
 * Property 6 on the real runtime: random maps (item outcomes, per-item delays made of steps,
 * maxConcurrency, completion configs, nesting) run against the in-memory service. The
 * BatchResult must agree with what was checkpointed (a unit has a terminal update exactly when the
 * result counts it), with the counters' completion reason, and with itself when replayed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExecutionCounters } from "../runtime/batch/completion.ts";
import type { CompletionConfig } from "../runtime/batch/completion.ts";
import { withDurableExecution } from "../runtime/index.ts";
import type { BatchResult, DurableContext } from "../runtime/index.ts";
import { hashId } from "../runtime/context/operation-id.ts";
import { MemoryClient } from "./support/memory-client.ts";

const lambdaContext = { awsRequestId: "prop", getRemainingTimeInMillis: () => 900_000 };
const itemArb = fc.record({ ok: fc.boolean(), steps: fc.nat(2) });
const configArb = fc.oneof(
  fc.constant<CompletionConfig | undefined>(undefined),
  fc.record({ minSuccessful: fc.nat(6) }, { requiredKeys: [] }),
  fc.record({ minSuccessful: fc.nat(6), toleratedFailureCount: fc.nat(4) }, { requiredKeys: ["toleratedFailureCount"] }),
  fc.record({ toleratedFailurePercentage: fc.integer({ min: 0, max: 100 }) }),
);

type Snapshot = { reason: string; items: Array<[number, string, unknown]> };
const snapshot = (r: BatchResult<unknown>): Snapshot => ({
  reason: r.completionReason,
  items: r.all.map((i) => [i.index, i.status, i.status === "FAILED" ? i.error?.message : i.result]),
});

describe("map on the runtime (property 6)", () => {
  it("checkpoints exactly the units its BatchResult counts, with the counters' reason, and replays to the same result", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { minLength: 0, maxLength: 12 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        configArb,
        fc.boolean(),
        async (items, maxConcurrency, completionConfig, flat) => {
          const client = new MemoryClient({});
          const seen: Snapshot[] = [];
          const handler = withDurableExecution(async (_event, ctx) => {
            const result = await ctx.map("m", items, async (c: DurableContext, item, index) => {
              for (let s = 0; s < item.steps; s++) await c.step(async () => s);
              if (!item.ok) throw new Error(`item ${index}`);
              return index * 10;
            }, { ...(maxConcurrency && { maxConcurrency }), ...(completionConfig && { completionConfig }), ...(flat && { nesting: "FLAT" as const }) });
            seen.push(snapshot(result));
            return "done";
          }, { durableExecutionClient: client });
          const first = await handler(client.event(), lambdaContext);
          const second = await handler(client.event(), lambdaContext);
          expect([first.Status, second.Status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
          const [live, replayed] = seen as [Snapshot, Snapshot];
          expect(replayed).toEqual(live);

          // The reason follows from the counts alone.
          const counters = new ExecutionCounters(items.length, completionConfig);
          live.items.forEach(([index, status]) => {
            if (status === "SUCCEEDED") counters.succeed(index);
            if (status === "FAILED") counters.fail(index);
          });
          expect(live.reason).toBe(counters.completionReason());
          for (const [index, status, value] of live.items) {
            expect(value).toBe(status === "SUCCEEDED" ? index * 10 : status === "FAILED" ? `item ${index}` : undefined);
          }

          // A unit's CONTEXT has a terminal update exactly when the result counts it (NESTED only).
          if (!flat) {
            const mapStepId = "1";
            const terminal = new Set(client.updates().filter((u) => u.Action === "SUCCEED" || u.Action === "FAIL").map((u) => u.Id));
            items.forEach((_, index) => {
              const counted = live.items.some(([i, status]) => i === index && status !== "STARTED");
              expect(terminal.has(hashId(`${mapStepId}-${index + 1}`))).toBe(counted);
            });
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
