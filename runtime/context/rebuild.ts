/**
 * Rebuilding a child context recorded as succeeded with ReplayChildren (its result was over
 * 256 KiB, or not data): the body re-runs in replay-only mode over the recorded children, and the
 * code must make exactly the operations it made then. Code that stops earlier would hand back a
 * different result; code that awaits an operation the context never ran would wait forever. Both
 * are non-determinism, reported as such (fatal), never a wrong result or a hang.
 *
 * Both checks wait one macrotask: branches of the body that are still replaying recorded
 * operations (a race's loser) catch up first, and an operation started after the body returned is
 * a straggler, as it was when the context first ran. The check after the body counts as work in
 * progress meanwhile: a race loser still pending (a long wait) would otherwise let the invocation
 * suspend before the code after the context runs, until that wait ends. This module decides
 * nothing else.
 */
import type { DurableContextImpl, OperationSlot } from "./durable-context.ts";
import { never } from "./durable-promise.ts";
import { NonDeterministicExecutionError, describe, messageOf } from "./errors.ts";
import { hashId } from "./operation-id.ts";

// Captured at load: test fake timers must not hold the check back.
const macrotask: (fn: () => void) => void = globalThis.setImmediate ?? ((fn) => setTimeout(fn, 0));
const nextMacrotask = (): Promise<void> => new Promise((resolve) => macrotask(resolve));

/** `what` differs in `rebuilt`, a context recorded as succeeded whose result is rebuilt from its operations. */
function divergence(rebuilt: DurableContextImpl, what: string): NonDeterministicExecutionError {
  const record = rebuilt.id === undefined ? undefined : rebuilt.execution.state.get(rebuilt.id);
  return new NonDeterministicExecutionError(
    `in ${record?.SubType} ${describe(rebuilt.stepId!, record?.Name)}, which finished earlier and is rebuilt from its recorded operations: ${what}`,
  );
}

/**
 * An operation with no record, awaited in a context being rebuilt. Unless the context's body has
 * returned meanwhile (the operation is a straggler), this is code the context did not run: fails.
 */
export async function awaitedUnrecorded(ctx: DurableContextImpl, slot: OperationSlot): Promise<never> {
  await nextMacrotask();
  if (ctx.isOrphaned()) return never();
  throw divergence(ctx, `the code now calls ${slot.describe()}, which did not run when it finished`);
}

/**
 * After the body of the context being rebuilt settled: `failure` if it threw (it succeeded when it
 * ran), else the operations it made must reach the last recorded one.
 */
export async function checkRebuilt(child: DurableContextImpl, failure?: { error: unknown }): Promise<void> {
  const done = child.execution.lifecycle.beginExecuting();
  try {
    await nextMacrotask();
  } finally {
    done();
  }
  const position = child.position;
  const next = child.execution.state.get(hashId(position));
  if (failure) throw divergence(child, `its code now throws ${messageOf(failure.error)}`);
  if (next) {
    throw divergence(child, `the code now stopped after ${+position.slice(position.lastIndexOf("-") + 1) - 1} of its operations; the next recorded one is ${next.Type} ${describe(position, next.Name)}`);
  }
}
