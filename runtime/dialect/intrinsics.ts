/**
 * The intrinsics imported from "use-durable": each finds the current context at run time and
 * takes the parameters of the DurableContext method for the same operation. They work in code
 * the compiler did not touch; the compiler only adds names and checks.
 */
import { requireContext } from "../context/current-context.ts";
import type { DurableContext } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import type { Duration } from "../context/duration.ts";
import type { StepConfig, StepFunction } from "../operations/step.ts";

/** The current DurableContext; throws a coded error outside a durable function or inside a step. */
export function context(): DurableContext {
  return requireContext("context()");
}

export function step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(...args: unknown[]): DurablePromise<T> {
  return requireContext("step()").step<T>(...(args as [StepFunction<T>]));
}

/** `ctx.wait` under the name a reader expects in plain code. */
export function sleep(name: string, duration: Duration): DurablePromise<void>;
export function sleep(duration: Duration): DurablePromise<void>;
export function sleep(...args: unknown[]): DurablePromise<void> {
  return requireContext("sleep()").wait(...(args as [Duration]));
}
