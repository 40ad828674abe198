/**
 * The call-site half of the contract with emitted code (runtime/SPEC.md): how a call inside a
 * durable body becomes a step or a child context, and how a compiled durable function decides
 * what it is when called (child of the current context, Lambda handler, or a clear error).
 */
import { requireContext, currentFrame } from "../context/current-context.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import { copier } from "../context/rich-serdes.ts";
import { asOriginal, runMarked } from "./compiled-errors.ts";
import { childOptions, stepOptions } from "./dialect-options.ts";
import type { DurableMeta, Fn } from "./tags.ts";
import { durableMeta, registerDurable, stepMeta } from "./tags.ts";
import { isDurableInvocationEvent, withDurableExecution } from "./with-durable-execution.ts";

// The durable function callDurable is about to enter. Set and cleared around one synchronous
// call, so only that function's own entry sees it.
let entering: Fn | undefined;

export function callStep(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  const ctx = requireContext(`The step "${name}"`);
  // A step gets copies of its arguments, fresh for each attempt: what it changes stays its own.
  const copy = copier(args);
  return asOriginal(ctx.step(name, () => runMarked(() => fn.apply(thisArg, copy())), stepOptions(stepMeta(fn)?.config)));
}

export function callDurable(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  const ctx = requireContext(`The durable function "${name}"`);
  return asOriginal(ctx.runInChildContext(name, () => runMarked(() => {
    entering = fn;
    try {
      return fn.apply(thisArg, args);
    } finally {
      entering = undefined;
    }
  }), childOptions()));
}

export function call(name: string, fn: Fn, thisArg: unknown, args: unknown[]): Promise<unknown> {
  if (stepMeta(fn)) return callStep(name, fn, thisArg, args);
  if (durableMeta(fn)) return callDurable(name, fn, thisArg, args);
  return fn.apply(thisArg, args);
}

export function enterDurable(self: Fn, thisArg: unknown, args: ArrayLike<unknown>, impl: Fn, meta: DurableMeta): Promise<unknown> {
  const list = Array.from(args);
  if (entering === self) {
    entering = undefined;
    return impl.apply(thisArg, list);
  }
  const frame = currentFrame();
  if (frame && !frame.inStep) return asOriginal(frame.context.runInChildContext(meta.name, () => runMarked(() => impl.apply(thisArg, list)), childOptions()));
  if (frame?.inStep) {
    return Promise.reject(new DurableError(
      ErrorCode.INSIDE_STEP,
      `The durable function "${meta.name}" was called inside a step. Steps cannot contain durable ` +
        `operations; call it from the durable function itself (it then runs as a child context).`,
    ));
  }
  if (isDurableInvocationEvent(list[0])) {
    return withDurableExecution((input) => runMarked(() => impl.call(thisArg, input)))(list[0], list[1]);
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
