/**
 * Intrinsics for the operations of the runtime operations modules, imported from "use-durable":
 * `createCallback`, `waitForCallback`, `invoke`, `waitForCondition`, `map`, `parallel`. Each finds
 * the current context at run time and takes the parameters of the DurableContext method of the
 * same name, so they work in code the compiler did not touch.
 */
import type { BatchResult } from "./batch-result.ts";
import type { CreateCallbackConfig, CreateCallbackResult } from "./callback.ts";
import { requireContext } from "./current-context.ts";
import type { DurablePromise } from "./durable-promise.ts";
import type { InvokeConfig } from "./invoke.ts";
import type { MapConfig, MapFunction } from "./map.ts";
import type { ParallelBranch, ParallelConfig } from "./parallel.ts";
import type { WaitForCallbackConfig, WaitForCallbackSubmitter } from "./wait-for-callback.ts";
import type { WaitForConditionCheck, WaitForConditionConfig } from "./wait-for-condition.ts";

type AnyArgs = [any, ...any[]];

export function createCallback<T = string>(name: string | undefined, config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
export function createCallback<T = string>(config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
export function createCallback<T>(...args: unknown[]): DurablePromise<CreateCallbackResult<T>> {
  return requireContext("createCallback()").createCallback<T>(...(args as AnyArgs));
}

export function waitForCallback<T = string>(name: string | undefined, submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
export function waitForCallback<T = string>(submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
export function waitForCallback<T>(...args: unknown[]): DurablePromise<T> {
  return requireContext("waitForCallback()").waitForCallback<T>(...(args as AnyArgs));
}

export function invoke<O = unknown, I = unknown>(name: string, functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
export function invoke<O = unknown, I = unknown>(functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
export function invoke<O>(...args: unknown[]): DurablePromise<O> {
  return requireContext("invoke()").invoke<O>(...(args as AnyArgs));
}

export function waitForCondition<T>(name: string | undefined, check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
export function waitForCondition<T>(check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
export function waitForCondition<T>(...args: unknown[]): DurablePromise<T> {
  return requireContext("waitForCondition()").waitForCondition<T>(...(args as AnyArgs));
}

export function map<I, R>(name: string | undefined, items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
export function map<I, R>(items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
export function map<I, R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
  return requireContext("map()").map<I, R>(...(args as AnyArgs));
}

export function parallel<R>(name: string | undefined, branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
export function parallel<R>(branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
export function parallel<R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
  return requireContext("parallel()").parallel<R>(...(args as AnyArgs));
}
