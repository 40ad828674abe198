/**
 * The current DurableContext, kept in an AsyncLocalStorage: set for the handler's body and each
 * child context's body, and marked "inside a step" for a step's body. The intrinsics (`step`,
 * `sleep`, `context`, ...) and compiled code find their context here.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DurableContextImpl } from "./durable-context.ts";
import { DurableError, ErrorCode } from "./errors.ts";

interface Frame {
  context: DurableContextImpl;
  inStep: boolean;
}

const storage = new AsyncLocalStorage<Frame>();

export function runInContext<T>(context: DurableContextImpl, fn: () => T): T {
  return storage.run({ context, inStep: false }, fn);
}

export function runInStep<T>(context: DurableContextImpl, fn: () => T): T {
  return storage.run({ context, inStep: true }, fn);
}

export function currentFrame(): Frame | undefined {
  return storage.getStore();
}

/** The current context, or a coded error naming `what` and where it may be called. */
export function requireContext(what: string): DurableContextImpl {
  const frame = storage.getStore();
  if (!frame) {
    throw new DurableError(
      ErrorCode.NOT_IN_DURABLE_CONTEXT,
      `${what} was called outside a durable function. Call it inside a "use durable" function ` +
        `(or a handler wrapped with withDurableExecution), not at module level or in a plain callback.`,
    );
  }
  if (frame.inStep) {
    throw new DurableError(
      ErrorCode.INSIDE_STEP,
      `${what} was called inside a step. A step is one checkpointed unit of work and cannot contain ` +
        `durable operations; move the call out of the step, or use runInChildContext to group operations.`,
    );
  }
  return frame.context;
}
