/**
 * A "use durable" function as it is at run time, for the type checker: callable with its source
 * signature (from durable code, it runs as a child context) and a Lambda handler (invoked with a
 * durable invocation event). `durableFunction(fn)` gives a compiled function that type without a
 * cast, and says so plainly when the function was never compiled.
 */
import { DurableError, ErrorCode } from "../context/errors.ts";
import type { DurableExecutionInvocationOutput } from "../protocol/wire.ts";
import { PLUGIN_HINT } from "./compiled-code.ts";
import { durableMeta } from "./tags.ts";

/** The Lambda side of a compiled durable function (any invocation event shape, ours or the official SDK's). */
export type DurableInvocationHandler = (event: unknown, context?: unknown) => Promise<DurableExecutionInvocationOutput>;

/**
 * The type of a compiled "use durable" function: a Lambda handler and its source signature (in this
 * order: a handler type such as a test runner's matches the first).
 * @example export const handler: DurableFunction<typeof checkout> = durableFunction(checkout);
 */
export type DurableFunction<F extends (...args: any[]) => Promise<any>> = DurableInvocationHandler & F;

/** `fn` typed as what it is at run time; throws a coded error if the build plugin did not compile it. */
export function durableFunction<F extends (...args: any[]) => Promise<any>>(fn: F): DurableFunction<F> {
  if (!durableMeta(fn)) {
    const name = typeof fn === "function" && fn.name ? `"${fn.name}"` : "this function";
    throw new DurableError(
      ErrorCode.NOT_DEPLOYED,
      `durableFunction(${name}): it was not compiled by use-durable (no "use durable" directive, or the build plugin is missing). ` +
        `Start its body with "use durable". ${PLUGIN_HINT}`,
    );
  }
  return fn as DurableFunction<F>;
}
