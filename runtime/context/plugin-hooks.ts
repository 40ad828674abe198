/**
 * Where the runtime calls the instrumentation plugins (plugin.ts), in one place, as the official
 * SDK 2.4 does: the invocation (start, wrapped, end with the status it answers), an operation's
 * start (a START sent, or a child context met again on replay) and end (its SUCCEED / FAIL sent,
 * or a wait, callback or invoke seen completed), each step or waitForCondition attempt (start,
 * body wrapped, end with its outcome once its update is sent), a child context's body (wrapped),
 * and the operations each checkpoint response changed. Without plugins every function is the
 * plain path (no extra microtask); with them, hooks are awaited where the official SDK awaits
 * them, so a span closes before the code goes on. Nothing here changes what is checkpointed.
 */
import type { DurableContextImpl, OperationSlot } from "./durable-context.ts";
import { causeOf } from "./errors.ts";
import type { Execution } from "./execution.ts";
import type { InvocationBaseInfo, OperationInfo, PluginRunner } from "./plugin.ts";
import { operationInfo, operationInfoMap } from "./plugin.ts";
import type { DurableExecutionInvocationOutput, Operation, OperationUpdate } from "../protocol/wire.ts";

const info = (slot: OperationSlot, extra: Partial<OperationInfo>): OperationInfo => ({
  ...operationInfo(slot.current(), { id: slot.id, name: slot.kind.name, type: slot.kind.type, subType: slot.kind.subType, parentId: slot.parentId }),
  ...extra,
});

/**
 * An update queued (`sent` settles with its request): a wait's, callback's or invoke's START
 * begins it once acknowledged; a step's SUCCEED / FAIL / RETRY ends its attempt (and a SUCCEED /
 * FAIL the step) once acknowledged; a child context's SUCCEED / FAIL ends it at once, as the
 * official SDK reports them without waiting. A child's and a step's start: childHooks, attemptHooks.
 */
export function afterUpdate(execution: Execution, update: OperationUpdate, sent: Promise<void>): Promise<void> {
  const plugin = execution.plugin!;
  const { Type: type, Action: action } = update;
  const report = (): Promise<void> | undefined => {
    const base = { ...operationInfo(execution.state.get(update.Id), { id: update.Id, name: update.Name, type, subType: update.SubType, parentId: update.ParentId }), isReplay: false };
    const error = update.Error && causeOf(update.Error);
    if (action === "START") return type === "STEP" ? undefined : plugin.notify("onOperationStart", base);
    if (type === "CONTEXT") return plugin.notify("onOperationEnd", { ...base, status: action === "SUCCEED" ? "SUCCEEDED" : "FAILED", error });
    return (type === "STEP" ? plugin.notify("onOperationAttemptEnd", { ...base, attempt: base.attempt ?? 1, outcome: action === "SUCCEED" ? "SUCCEEDED" : "FAILED", error }) : sent)
      .then(() => (action === "RETRY" ? undefined : plugin.notify("onOperationEnd", { ...base, error })));
  };
  if (type === "CONTEXT") {
    if (action !== "START") void report();
    return sent;
  }
  return type === "EXECUTION" ? sent : sent.then(report);
}

/**
 * A step or waitForCondition attempt: its start (a replay when started in an earlier invocation),
 * then its body wrapped by the plugins.
 */
export function attemptHooks<T>(ctx: DurableContextImpl, slot: OperationSlot, attempt: number, body: () => Promise<T>): Promise<T> {
  const plugin = ctx.execution.plugin;
  return plugin
    ? (async () => {
        await plugin.notify("onOperationStart", info(slot, { status: "STARTED", isReplay: attempt > 1 || slot.current()?.Status === "STARTED" }));
        const attemptInfo = info(slot, { isReplay: false, attempt, startTimestamp: new Date() });
        await plugin.notify("onOperationAttemptStart", attemptInfo);
        return plugin.wrap("wrapOperationAttemptFn", attemptInfo, body);
      })()
    : body();
}

/** A child context: its start (a replay when met again, or virtual), then its body wrapped. */
export function childHooks<T>(ctx: DurableContextImpl, slot: OperationSlot, replayed: boolean, body: () => T | Promise<T>): T | Promise<T> {
  const plugin = ctx.execution.plugin;
  return plugin
    ? (async () => {
        await plugin.notify("onOperationStart", info(slot, replayed ? { isReplay: true } : { status: "STARTED", isReplay: false }));
        return plugin.wrap("wrapChildContextFn", info(slot, { isReplay: replayed }), body);
      })()
    : body();
}

/**
 * A wait, callback or invoke seen completed. Met completed at once (on replay), it is a replay
 * unless the service completed it since the last invocation (the event's UpdatedOperationIds).
 */
export function waitedHooks(ctx: DurableContextImpl, slot: OperationSlot, op: Operation | undefined, atOnce: boolean): Promise<void> | undefined {
  const plugin = ctx.execution.plugin;
  return plugin && /^(WAIT|CALLBACK|CHAINED_INVOKE)$/.test(slot.kind.type) && /^(SUCC|FAIL|TIMED|STOP|CANC)/.test(op?.Status ?? "")
    ? plugin.notify("onOperationEnd", info(slot, { isReplay: atOnce && !ctx.execution.updated.has(slot.id) }))
    : undefined;
}

/** The operations a checkpoint response changed. */
export const changeHooks = (execution: Execution, plugin: PluginRunner) => (changed: Operation[]) =>
  void plugin.notify("onOperationChange", { executionArn: execution.arn, updatedOperations: operationInfoMap(changed), operations: operationInfoMap(execution.state.values()) });

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The invocation: start, `run` wrapped, end with the status the invocation answers (RETRYING when
 * it throws for Lambda to retry it) and the handler's result or error.
 */
export async function invocationHooks(
  execution: Execution,
  base: Omit<InvocationBaseInfo, "operations">,
  updated: readonly string[],
  run: (settled: (outcome: Outcome) => void) => Promise<DurableExecutionInvocationOutput>,
): Promise<DurableExecutionInvocationOutput> {
  const plugin = execution.plugin;
  if (!plugin) return run(() => {});
  const operations = () => operationInfoMap(execution.state.values());
  const all = operations();
  const start = { ...base, operations: all, isFirstInvocation: Object.keys(all).length <= 1, updatedOperations: Object.fromEntries(updated.filter((id) => all[id]).map((id) => [id, all[id]])) };
  await plugin.notify("onInvocationStart", start);
  let outcome: Outcome | undefined;
  const end = (status: string, error?: unknown) =>
    plugin.notify("onInvocationEnd", {
      ...base,
      status,
      executionResult: outcome?.ok ? outcome.value : undefined,
      executionError: error === undefined || error instanceof Error ? error : new Error(String(error)),
      operations: operations(),
    });
  let output: DurableExecutionInvocationOutput;
  try {
    output = await plugin.wrap("wrapInvocation", start, () => run((o) => (outcome = o)));
  } catch (error) {
    await end("RETRYING", error);
    throw error;
  }
  await end(output.Status, output.Status === "FAILED" ? (outcome && !outcome.ok ? outcome.error : causeOf(output.Error)) : undefined);
  return output;
}
