/**
 * Intrinsics for the operations of the runtime operations modules, imported from "use-durable":
 * `createCallback`, `waitForCallback`, `invoke`, `waitForCondition`, `map`, `parallel`. Each finds
 * the current context at run time and takes the parameters of the DurableContext method of the
 * same name, so they work in code the compiler did not touch.
 *
 * One difference, on purpose: the callback intrinsics return JSON. The official SDK (and so
 * `ctx.createCallback` / `ctx.waitForCallback`) hands back the payload string, which makes
 * `if (!(await waitForCallback<boolean>(...)))` see "false", a truthy string. Here a payload that
 * parses as JSON is returned parsed and anything else as the raw string, unless the call passes
 * `serdes` or the handler set `configureSerdes({ defaultCallbackDeserializer })`.
 */
import type { BatchResult } from "../batch/batch-result.ts";
import type { CreateCallbackConfig, CreateCallbackResult } from "../operations/callback.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import { hashId } from "../context/operation-id.ts";
import { passThroughSerdes } from "../context/execution.ts";
import type { InvokeConfig } from "../operations/invoke.ts";
import type { MapConfig, MapFunction } from "../batch/map.ts";
import type { ParallelBranch, ParallelConfig } from "../batch/parallel.ts";
import type { WaitForCallbackConfig, WaitForCallbackSubmitter } from "../operations/wait-for-callback.ts";
import { jsonOrRawSerdes } from "../context/serdes.ts";
import type { WaitForConditionCheck, WaitForConditionConfig } from "../operations/wait-for-condition.ts";
import { intrinsicContext } from "./compiled-code.ts";
import { toDuration } from "./durations.ts";
import { anchoredLazily, settleAt } from "./replay-clock.ts";

type AnyArgs = [any, ...any[]];

export function createCallback<T = unknown>(name: string | undefined, config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
export function createCallback<T = unknown>(config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
export function createCallback<T>(...args: unknown[]): DurablePromise<CreateCallbackResult<T>> {
  const ctx = intrinsicContext("createCallback()");
  const id = hashId(ctx.position);
  const created = ctx.createCallback<T>(...(jsonByDefault(ctx, args, 0) as AnyArgs));
  // Creating it does not end it: only its result, when awaited, moves the durable clock.
  return new DurablePromise(async () => {
    const [result, callbackId] = await created;
    return [new DurablePromise(() => settleAt(ctx, id, result)), callbackId];
  });
}

export function waitForCallback<T = unknown>(name: string | undefined, submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
export function waitForCallback<T = unknown>(submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
export function waitForCallback<T>(...args: unknown[]): DurablePromise<T> {
  const ctx = intrinsicContext("waitForCallback()");
  return anchoredLazily(ctx, () => ctx.waitForCallback<T>(...(jsonByDefault(ctx, args, 1) as AnyArgs)));
}

/**
 * The arguments with `serdes: jsonOrRawSerdes` added to the config (the argument `configIndex`
 * places after the optional name), unless a serdes was given or configured, and the timeouts as
 * Durations. A config that is not an object is left alone, so the call reports it as usual.
 */
function jsonByDefault(ctx: DurableContextImpl, args: unknown[], configIndex: number): unknown[] {
  const at = (typeof args[0] === "string" || args[0] === undefined ? 1 : 0) + configIndex;
  const config = args[at] as { serdes?: unknown; timeout?: unknown; heartbeatTimeout?: unknown } | undefined;
  if (config !== undefined && (typeof config !== "object" || config === null)) return args;
  const out = [...args];
  const json = ctx.execution.callbackDeserializer === passThroughSerdes && config?.serdes === undefined;
  out[at] = {
    ...config,
    ...(json && { serdes: jsonOrRawSerdes }),
    // Timeouts as strings ("2 days") or milliseconds too, as for sleep.
    ...(config?.timeout !== undefined && { timeout: toDuration(config.timeout, "callback timeout") }),
    ...(config?.heartbeatTimeout !== undefined && { heartbeatTimeout: toDuration(config.heartbeatTimeout, "callback heartbeatTimeout") }),
  };
  return out;
}

export function invoke<O = unknown, I = unknown>(name: string, functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
export function invoke<O = unknown, I = unknown>(functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
export function invoke<O>(...args: unknown[]): DurablePromise<O> {
  const ctx = intrinsicContext("invoke()");
  return anchoredLazily(ctx, () => ctx.invoke<O>(...(args as AnyArgs)));
}

export function waitForCondition<T>(name: string | undefined, check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
export function waitForCondition<T>(check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
export function waitForCondition<T>(...args: unknown[]): DurablePromise<T> {
  const ctx = intrinsicContext("waitForCondition()");
  return anchoredLazily(ctx, () => ctx.waitForCondition<T>(...(args as AnyArgs)));
}

export function map<I, R>(name: string | undefined, items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
export function map<I, R>(items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
export function map<I, R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
  const ctx = intrinsicContext("map()");
  return anchoredLazily(ctx, () => ctx.map<I, R>(...(args as AnyArgs)));
}

export function parallel<R>(name: string | undefined, branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
export function parallel<R>(branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
export function parallel<R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
  const ctx = intrinsicContext("parallel()");
  return anchoredLazily(ctx, () => ctx.parallel<R>(...(args as AnyArgs)));
}
