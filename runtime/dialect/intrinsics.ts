/**
 * The intrinsics imported from "use-durable": each finds the current context at run time and
 * takes the parameters of the DurableContext method for the same operation. They work in code
 * the compiler did not touch; the compiler only adds names and checks.
 */
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import { located } from "../context/locate.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import type { Duration } from "../context/duration.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import { hashId } from "../context/operation-id.ts";
import { intrinsicContext } from "./compiled-code.ts";
import { toDuration } from "./durations.ts";
import { now } from "./replay-clock.ts";
import { runWithStepMetadata } from "./step-metadata.ts";
import type { StepConfig, StepContext, StepFunction } from "../operations/step.ts";
import { asOriginal, runMarked } from "./compiled-errors.ts";
import { anchoredLazily } from "./replay-clock.ts";
import { stepOptions } from "./dialect-options.ts";

/** The current DurableContext; throws a coded error outside a durable function or inside a step. */
export function context(): DurableContext {
  return intrinsicContext("context()");
}

export function step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
export function step<T>(...args: unknown[]): DurablePromise<T> {
  const ctx = intrinsicContext("step()");
  // The values of compiled code keep their types (dialect-options.ts); the config's own serdes wins.
  const at = typeof args[0] === "string" || args[0] === undefined ? 2 : 1;
  const config = args[at];
  if (typeof args[at - 1] !== "function" || (config !== undefined && (typeof config !== "object" || config === null))) return ctx.step<T>(...(args as [StepFunction<T>]));
  const out = [...args];
  const fn = args[at - 1] as StepFunction<T>;
  const id = hashId(ctx.position);
  const name = at === 2 ? (args[0] as string | undefined) : undefined;
  out[at - 1] = (stepContext: StepContext) => runWithStepMetadata(ctx, id, name, stepContext.attempt, () => runMarked(() => fn(stepContext)));
  out[at] = stepOptions(config as StepConfig<T> | undefined);
  // A DurablePromise still (awaited lazily): it moves the durable clock, and fails with the original error.
  const operation = anchoredLazily(ctx, () => ctx.step<T>(...(out as [StepFunction<T>])));
  return new DurablePromise(() => asOriginal(operation));
}

/** What `sleep` takes: a Duration, a string ("5s", "2 days"), milliseconds, or the Date to sleep until. */
export type SleepDuration = Duration | string | number | Date;

/**
 * `ctx.wait` under the name a reader expects in plain code, taking Vercel Workflow's forms too: a
 * duration string, milliseconds, or a Date to sleep until (measured on the durable clock, so a
 * replay decides the same; a time already past does not wait).
 */
export function sleep(name: string, duration: SleepDuration): DurablePromise<void>;
export function sleep(duration: SleepDuration): DurablePromise<void>;
export function sleep(...args: unknown[]): DurablePromise<void> {
  const ctx = intrinsicContext("sleep()");
  const named = args.length >= 2;
  const name = named ? args[0] : undefined;
  const value = named ? args[1] : args[0];
  if (named && typeof name !== "string") return ctx.wait(...(args as [Duration]));
  const where = named ? `sleep "${name as string}"` : "sleep";
  let duration: Duration | undefined;
  if (value instanceof Date) {
    const ms = value.getTime() - now();
    if (Number.isNaN(ms)) {
      throw located(new DurableError(ErrorCode.INVALID_DURATION, `${where}: the Date to sleep until is invalid. Pass a valid Date, a duration string such as "5m", or milliseconds.`), ctx as DurableContextImpl, name as string | undefined);
    }
    if (ms <= 0) return new DurablePromise(() => Promise.resolve());
    duration = { seconds: Math.ceil(ms / 1000) };
  } else {
    try {
      duration = toDuration(value, where);
    } catch (error) {
      throw located(error, ctx as DurableContextImpl, name as string | undefined);
    }
  }
  return anchoredLazily(ctx, () => (named ? ctx.wait(name as string, duration!) : ctx.wait(duration!)));
}
