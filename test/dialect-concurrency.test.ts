/**
 * Branch results that are not data (runtime/SPEC.md "Branch results that are not data"): a
 * Promise.all branch (or a map item) returning createCallback()'s [promise, id] keeps it in
 * memory; each replay rebuilds it by re-running the branch over its kept children, and awaiting
 * the rebuilt promise of a callback that has not completed yet suspends the invocation (it used
 * to never settle there). On the in-memory service, with callbacks completed by the test.
 */
import { describe, expect, test } from "vitest";
import { createCallback, withDurableExecution } from "../runtime/index.ts";
import * as internal from "../runtime/internal.ts";
import type { CheckpointRequest, CheckpointResponse } from "../runtime/protocol/wire.ts";
import { MemoryClient } from "./support/memory-client.ts";

/** The in-memory service with callbacks: START assigns an id; the test completes them. */
class CallbackService extends MemoryClient {
  override async checkpoint(request: CheckpointRequest): Promise<CheckpointResponse> {
    const response = await super.checkpoint(request);
    for (const op of response.NewExecutionState?.Operations ?? []) {
      if (op.Type !== "CALLBACK") continue;
      const stored = this.operations.get(op.Id)!;
      stored.CallbackDetails ??= { CallbackId: `cb-${op.Id}` };
      op.CallbackDetails = { ...stored.CallbackDetails };
    }
    return response;
  }

  complete(index: number, result: unknown): void {
    const callbacks = [...this.operations.values()].filter((o) => o.Type === "CALLBACK");
    const op = callbacks[index]!;
    op.Status = "SUCCEEDED";
    op.CallbackDetails = { ...op.CallbackDetails, Result: JSON.stringify(result) };
  }
}

describe("a branch result that is not data", () => {
  test("is kept on the first run and rebuilt on every replay; a pending callback suspends", async () => {
    const service = new CallbackService({});
    let bodies = 0;
    const handler = withDurableExecution(async () => {
      const pairs = (await internal.promiseAll("Promise.all", [
        async () => (bodies++, createCallback("a")),
        async () => createCallback("b"),
      ])) as Array<[Promise<string>, string]>;
      const mapped = (await internal.mapAll("Promise.all#2", ["x"], async () => createCallback("c"))) as Array<[Promise<string>, string]>;
      const ids = [...pairs, ...mapped].map(([, id]) => id);
      const answers = [await pairs[0]![0], await pairs[1]![0], await mapped[0]![0]];
      return { ids, answers };
    }, { durableExecutionClient: service });

    expect((await handler(service.event(), {})).Status).toBe("PENDING");
    // Nothing completed: the replay rebuilds the branches and waits again, rather than hanging.
    expect((await handler(service.event(), {})).Status).toBe("PENDING");
    service.complete(0, "yes");
    service.complete(1, "maybe");
    expect((await handler(service.event(), {})).Status).toBe("PENDING");
    service.complete(2, "ok");
    const output = await handler(service.event(), {});
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify({ ids: ["cb-" + idOf(service, "a"), "cb-" + idOf(service, "b"), "cb-" + idOf(service, "c")], answers: ["yes", "maybe", "ok"] }) });
    // The branch ran on the first run and was re-run (replay-only) by each of the three replays.
    expect(bodies).toBe(4);
    const parallel = [...service.operations.values()].find((o) => o.SubType === "Parallel")!;
    expect(parallel.ContextDetails?.ReplayChildren).toBe(true);
  });

  test("a branch returning data is still checkpointed as data, without keeping its children", async () => {
    const service = new CallbackService({});
    const handler = withDurableExecution(async () => internal.promiseAll("Promise.all", [async () => new Date(0), async () => 2]), { durableExecutionClient: service });
    const { output } = await service.drive(handler);
    expect(output).toEqual({ Status: "SUCCEEDED", Result: JSON.stringify([new Date(0), 2]) });
    expect([...service.operations.values()].some((o) => o.ContextDetails?.ReplayChildren)).toBe(false);
  });
});

function idOf(service: MemoryClient, name: string): string {
  return [...service.operations.values()].find((o) => o.Type === "CALLBACK" && o.Name === name)!.Id;
}
