/**
 * `ctx.wait(name?, duration)`: a WAIT operation. START carries the whole seconds; the invocation
 * then suspends (once nothing else runs) until the service reports the wait SUCCEEDED.
 */
import { NameRule, splitName } from "../context/arguments.ts";
import type { DurableContextImpl, OperationSlot } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { durationToSeconds } from "../context/duration.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

const TERMINAL: ReadonlySet<string> = new Set([OperationStatus.SUCCEEDED, OperationStatus.CANCELLED, OperationStatus.FAILED]);

export function wait(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<void> {
  const { name, rest, where } = splitName("wait", args, NameRule.stringFirst);
  const seconds = durationToSeconds(rest[0], where, 1);
  return ctx.operation(
    async (): Promise<OperationSlot> => {
      const slot = ctx.allocate({ type: OperationType.WAIT, subType: OperationSubType.WAIT, name });
      if (!slot.current()) await ctx.checkpoint(slot.update(OperationAction.START, { WaitOptions: { WaitSeconds: seconds } }));
      return slot;
    },
    async (slot) => {
      await ctx.waitFor(slot, (o) => o !== undefined && TERMINAL.has(o.Status));
    },
  );
}
