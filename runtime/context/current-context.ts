/**
 * The current DurableContext, kept in an AsyncLocalStorage: set for the handler's body and each
 * child context's body, and marked "inside a step" for a step's body. The intrinsics (`step`,
 * `sleep`, `context`, ...) and compiled code find their context here.
 */
import type { DurableContextImpl } from "./durable-context.ts";
import { DurableError, ErrorCode } from "./errors.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { AsyncLocalStorage } = process.getBuiltinModule("node:async_hooks");

interface Frame {
  context: DurableContextImpl;
  inStep: boolean;
  /** The step whose body runs (a step or a waitForCondition check): its unhashed id, name, attempt. */
  step?: StepFrame | undefined;
}

export interface StepFrame {
  stepId: string;
  name: string | undefined;
  attempt: number;
}

const storage = new AsyncLocalStorage<Frame>();

export function runInContext<T>(context: DurableContextImpl, fn: () => T): T {
  return storage.run({ context, inStep: false }, fn);
}

export function runInStep<T>(context: DurableContextImpl, fn: () => T, step?: StepFrame): T {
  return storage.run({ context, inStep: true, step }, fn);
}

/**
 * The official SDK's context check: an operation called on a context other than the one whose
 * body is running (the parent's ctx inside runInChildContext, a sibling's, any ctx inside a step
 * body or a waitForCondition check) is an error that fails the execution, with the official text.
 * Its ErrorType is "Error", as the official SDK sends. Undefined when the call is fine, or when it
 * comes from outside any durable frame.
 */
export function contextMisuse(context: DurableContextImpl, method: string): DurableError | undefined {
  const frame = storage.getStore();
  if (!frame || (!frame.inStep && frame.context === context)) return undefined;
  return new DurableError(
    ErrorCode.CONTEXT_USAGE,
    `Context usage error in "${method}": You are using a parent or sibling context instead of the current child context. ` +
      `Expected context ID: "${frame.step?.stepId ?? frame.context.stepId ?? "root"}", but got: "${context.stepId}". ` +
      `When inside runInChildContext(), you must use the child context parameter, not the parent context.`,
    { fatal: "execution", name: "Error" },
  );
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
