/**
 * The twin harness shared by test/runtime-twins and test/ops-twins: what of two emulator runs must
 * be identical, and a handler whose invocations alternate between use-durable and the official
 * SDK (ours first), so each replays a history the other wrote.
 *
 * InvocationCompleted events are left out of the comparison: where they fall depends on when each
 * runtime suspends. Under skipTime the emulator completes a wait within ~20 ms, inside the official
 * SDK's 20 ms suspension cool-down, so the official SDK often keeps running where use-durable has
 * already returned PENDING (with real time both suspend). Every operation event must match exactly.
 */
import type { EmulatorRun, LambdaHandler } from "./emulator.ts";

export function comparable(run: EmulatorRun) {
  return {
    status: run.status,
    result: run.result,
    error: run.error && { type: run.error.errorType, message: run.error.errorMessage },
    history: run.history.filter(([type]) => type !== "InvocationCompleted"),
    operations: run.operations,
  };
}

/** One handler that runs invocation 1, 3, 5, ... on `ours` and 2, 4, ... on `official`; `used` records which ran. */
export function alternating(ours: LambdaHandler, official: LambdaHandler): { handler: LambdaHandler; used: string[] } {
  const used: string[] = [];
  const handler: LambdaHandler = async (event, lambdaContext) => {
    const useOurs = used.length % 2 === 0;
    used.push(useOurs ? "ours" : "official");
    return useOurs ? ours(event, lambdaContext) : official(event, lambdaContext);
  };
  return { handler, used };
}
