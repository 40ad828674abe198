/**
 * The call-site half of the contract with emitted code (runtime/SPEC.md): how a call inside a
 * durable body becomes a step or a child context, how a compiled step function decides what it
 * is when called (a step named at run time, or a plain call inside a step or outside any
 * execution), and how a compiled durable function does (child of the current context, Lambda
 * handler, or a clear error).
 */
import { requireContext, currentFrame } from "../context/current-context.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import { hashId } from "../context/operation-id.ts";
import { copier } from "../context/rich-serdes.ts";
import type { StepContext } from "../operations/step.ts";
import { bindSites, noteRunTimeName } from "./call-sites.ts";
import { asOriginal, runMarked } from "./compiled-errors.ts";
import { childOptions, stepOptions } from "./dialect-options.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import { anchored } from "./replay-clock.ts";
import { runTimeName } from "./run-time-names.ts";
import { runWithStepMetadata } from "./step-metadata.ts";
import type { DurableMeta, Fn, StepMeta } from "./tags.ts";
import { durableMeta, registerDurable, stepMeta, tagStep } from "./tags.ts";
import { isDurableInvocationEvent, withDurableExecution } from "./with-durable-execution.ts";

// The durable function callDurable is about to enter. Set and cleared around one synchronous
// call, so only that function's own entry sees it.
let entering: Fn | undefined;

export function callStep(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  return runStep(requireContext(`The step "${name}"`), name, fn, fn, thisArg, args);
}

/** A STEP named `name` running `body` (the step function, or its implementation) with `tagged`'s options. */
function runStep(ctx: DurableContextImpl, name: string, tagged: Fn, body: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  // A step gets copies of its arguments, fresh for each attempt: what it changes stays its own.
  const copy = copier(args);
  const id = hashId(ctx.position);
  const attempt = (step: StepContext) => runWithStepMetadata(ctx, id, name, step.attempt, () => runMarked(() => body.apply(thisArg, copy())));
  return asOriginal(anchored(ctx, () => ctx.step(name, attempt, stepOptions(stepMeta(tagged)?.config))));
}

/**
 * A compiled step function's body: `return __ud.enterStep(self, this, arguments, async function (...) {...}, meta)`.
 * Called inside a durable execution and outside a step from code the compiler did not rewrite (a
 * library, `array.map(step)`), it runs as a STEP named at run time (run-time-names.ts); inside a
 * step (callStep already opened one) or outside any execution it is a plain call.
 */
export function enterStep(self: Fn, thisArg: unknown, args: ArrayLike<unknown>, impl: Fn, meta: StepMeta): Promise<unknown> {
  const list = Array.from(args);
  const frame = currentFrame();
  if (!frame || frame.inStep) return impl.apply(thisArg, list);
  const name = runTimeName(frame.context, meta.name);
  noteRunTimeName(frame.context, name, meta);
  return runStep(frame.context, name, self, impl, thisArg, list);
}

/**
 * Tags a step function and returns the function compiled code uses in its place: for an expression
 * or method (`const s = __ud.registerStep(async () => {...}, meta)`) a wrapper that dispatches as
 * enterStep does; a declaration, whose body already calls enterStep, ignores it.
 */
export function registerStep<F extends Fn>(fn: F, meta: StepMeta): F {
  tagStep(fn, meta);
  const wrapper = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return enterStep(wrapper, this, args, fn, meta);
  };
  Object.defineProperty(wrapper, "name", { value: fn.name || meta.name, configurable: true });
  return tagStep(wrapper as unknown as F, stepMeta(fn)!);
}

export function callDurable(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  const ctx = requireContext(`The durable function "${name}"`);
  return asOriginal(anchored(ctx, () => ctx.runInChildContext(name, () => runMarked(() => {
    entering = fn;
    try {
      return fn.apply(thisArg, args);
    } finally {
      entering = undefined;
    }
  }), childOptions())));
}

export function call(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  // As plain JS says it (`o.missing is not a function`), not as `fn.apply` would fail here.
  if (typeof fn !== "function") throw new TypeError(`${calleeOf(name)} is not a function`);
  if (stepMeta(fn)) return callStep(name, fn, thisArg, args);
  if (durableMeta(fn)) return callDurable(name, fn, thisArg, args);
  return fn.apply(thisArg, args);
}

export function enterDurable(self: Fn, thisArg: unknown, args: ArrayLike<unknown>, impl: Fn, meta: DurableMeta): Promise<unknown> {
  const list = Array.from(args);
  const frame = currentFrame();
  if (entering === self) {
    entering = undefined;
    // callDurable's child context: its operations are looked up in this function's table.
    if (frame) bindSites(frame.context, meta);
    return impl.apply(thisArg, list);
  }
  if (frame && !frame.inStep) {
    const ctx = frame.context;
    const name = runTimeName(ctx, meta.name);
    noteRunTimeName(ctx, name, meta);
    return asOriginal(anchored(ctx, () => ctx.runInChildContext(name, (child: DurableContextImpl) => {
      bindSites(child, meta);
      return runMarked(() => impl.apply(thisArg, list));
    }, childOptions())));
  }
  if (frame?.inStep) {
    return Promise.reject(new DurableError(
      ErrorCode.INSIDE_STEP,
      `The durable function "${meta.name}" was called inside a step. Steps cannot contain durable ` +
        `operations; call it from the durable function itself (it then runs as a child context).`,
    ));
  }
  if (isDurableInvocationEvent(list[0])) {
    return withDurableExecution((input, ctx) => {
      bindSites(ctx as DurableContextImpl, meta);
      return runMarked(() => impl.call(thisArg, input));
    })(list[0], list[1]);
  }
  return Promise.reject(new DurableError(
    ErrorCode.NOT_DEPLOYED,
    `The durable function "${meta.name}" was called directly, outside any durable execution. ` +
      `Deploy it as a Lambda handler with DurableConfig (the service then invokes it), run it under ` +
      `the local runner, or call it from another "use durable" function.`,
  ));
}

export function durable<F extends Fn>(impl: F, meta: DurableMeta): F {
  const wrapper = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return enterDurable(wrapper, this, args, impl, meta);
  };
  Object.defineProperty(wrapper, "name", { value: meta.name, configurable: true });
  return registerDurable(wrapper as unknown as F, meta);
}

/** The callee as written, from the compiler's operation name (`o.missing#2` -> `o.missing`). */
function calleeOf(name: string): string {
  const callee = name.replace(/#\d+$/, "");
  try {
    return decodeURIComponent(callee);
  } catch {
    return callee;
  }
}
