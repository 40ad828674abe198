/**
 * The intrinsics imported from "use-durable": each finds the current context at run time and
 * takes the parameters of the DurableContext method for the same operation. They work in code
 * the compiler did not touch; the compiler only adds names and checks.
 */
import { requireContext } from "../context/current-context.ts";
import type { DurableContext } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import type { Duration } from "../context/duration.ts";
import type { StepConfig, StepContext, StepFunction } from "../operations/step.ts";
import { asOriginal, runMarked } from "./compiled-errors.ts";
import { anchoredLazily } from "./replay-clock.ts";
import { stepOptions } from "./dialect-options.ts";

/** The current DurableContext; throws a coded error outside a durable function or inside a step. */
export function context(): DurableContext {
  return requireContext("context()");
}

export function step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(...args: unknown[]): DurablePromise<T> {
  const ctx = requireContext("step()");
  // The values of compiled code keep their types (dialect-options.ts); the config's own serdes wins.
  const at = typeof args[0] === "string" || args[0] === undefined ? 2 : 1;
  const config = args[at];
  if (typeof args[at - 1] !== "function" || (config !== undefined && (typeof config !== "object" || config === null))) return ctx.step<T>(...(args as [StepFunction<T>]));
  const out = [...args];
  const fn = args[at - 1] as StepFunction<T>;
  out[at - 1] = (stepContext: StepContext) => runMarked(() => fn(stepContext));
  out[at] = stepOptions(config as StepConfig<T> | undefined);
  // A DurablePromise still (awaited lazily): it moves the durable clock, and fails with the original error.
  const operation = anchoredLazily(ctx, () => ctx.step<T>(...(out as [StepFunction<T>])));
  return new DurablePromise(() => asOriginal(operation));
}

/** `ctx.wait` under the name a reader expects in plain code. */
export function sleep(name: string, duration: Duration): DurablePromise<void>;
export function sleep(duration: Duration): DurablePromise<void>;
export function sleep(...args: unknown[]): DurablePromise<void> {
  const ctx = requireContext("sleep()");
  return anchoredLazily(ctx, () => ctx.wait(...(args as [Duration])));
}
