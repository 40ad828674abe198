/**
 * A replay that rebuilds a finished child context (ReplayChildren: its result was over 256 KiB)
 * whose race loser, a 30-day wait, is still pending must not suspend while the rebuild is being
 * checked: the code after the context goes on in the same invocation. Found by the simulation
 * (seeds 200460 and 100014): a map that completes early after such a context, whose SUCCEED was
 * lost, answered PENDING and the execution stalled until the loser's wait ended 30 days later.
 * Driven on the simulated service (test/simulation), the lost request dropped by a wrapping client.
 */
import { expect, test } from "vitest";
import { FaultSchedule } from "./simulation/fault-client.ts";
import { drive } from "./simulation/lambda-driver.ts";
import { Random } from "./simulation/random.ts";
import { ServiceModel } from "./simulation/service-model.ts";
import type { Node } from "./simulation/workflows.ts";
import { Effects, workflowHandler, worldOf } from "./simulation/workflows.ts";

// A large child context around a race (a step against a 30-day wait), then a map of two items that
// completes on its first success (the second item waits 30 days first).
const nodes: Node[] = [
  { k: "child", id: 2, name: "c2", body: [{ k: "combinator", id: 4, name: "pr4", method: "race" }], large: true },
  { k: "map", id: 6, name: "m6", items: [6, 46], body: [{ k: "step", id: 7, value: 153, atMostOnce: false, transient: 0, fails: false }], flat: false, early: true },
];

test("a rebuilt child context's pending race loser does not suspend the replay that goes on after it", async () => {
  const inner = workflowHandler(nodes, new Effects());
  let dropped = 0;
  const handler = async (event: any, lambdaContext: unknown) => {
    const client = event.durableExecutionClient;
    event.durableExecutionClient = {
      // The first request carrying the map's SUCCEED is lost (a 500 before it applies): the next invocation replays.
      checkpoint: async (request: any) => {
        if (dropped === 0 && (request.Updates ?? []).some((u: any) => u.Name === "m6" && u.Action === "SUCCEED")) {
          dropped++;
          throw Object.assign(new Error("We encountered an internal error."), { name: "ServiceException", $metadata: { httpStatusCode: 500 } });
        }
        return client.checkpoint(request);
      },
      getExecutionState: (request: any) => client.getExecutionState(request),
    };
    return inner(event, lambdaContext);
  };
  const service = new ServiceModel({}, worldOf(nodes));
  const violations: string[] = [];
  const run = await drive(handler, service, FaultSchedule.none(new Random(1)), violations);
  expect(violations).toEqual([]);
  expect(dropped).toBe(1);
  expect(run.output?.Status).toBe("SUCCEEDED");
  // The replay completes the map at once: no wait of 30 days ended, none was needed.
  const waits = service.operations().filter((op) => op.Type === "WAIT");
  expect(waits.length).toBeGreaterThan(0);
  expect(waits.filter((op) => op.Status === "SUCCEEDED")).toEqual([]);
  expect(run.invocations).toBeLessThanOrEqual(3);
});
