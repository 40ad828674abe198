/**
 * `patched(changeId)`: lets one deploy run new code for new executions and the old path for
 * executions that recorded theirs before the change (runtime/SPEC.md "patched"). The decision is
 * recorded as a marker outside the positional ids, so it never moves an operation.
 */
import { requireContext } from "../context/current-context.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import { hashId } from "../context/operation-id.ts";
import { DurableError, ErrorCode } from "../protocol/durable-error.ts";
import { OperationAction, OperationType } from "../protocol/wire.ts";

const MAX_CHANGE_ID = 200;
const decisions = new WeakMap<DurableContextImpl, Map<string, boolean>>();

/** True where the new code runs; false in an execution that went past this point before the patch. */
export function patched(changeId: string): boolean {
  const ctx = requireContext("patched()");
  if (typeof changeId !== "string" || changeId.length === 0 || changeId.length > MAX_CHANGE_ID || !/^[\x20-\x7e]+$/.test(changeId)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `patched(changeId): the change id must be 1 to ${MAX_CHANGE_ID} printable ASCII characters, got ${JSON.stringify(changeId)}. Use a fixed name for the change, e.g. patched("fraud-check").`);
  }
  let known = decisions.get(ctx);
  if (!known) decisions.set(ctx, (known = new Map()));
  const decided = known.get(changeId);
  if (decided !== undefined) return decided;
  const id = hashId(`${ctx.stepId === undefined ? "" : `${ctx.stepId}-`}patch:${changeId}`);
  let answer = true;
  if (!ctx.execution.state.has(id)) {
    answer = !ctx.isReplaying();
    if (answer) {
      ctx
        .checkpoint({ Id: id, ...(ctx.id !== undefined && { ParentId: ctx.id }), Type: OperationType.STEP, SubType: "Patch", Name: changeId, Action: OperationAction.SUCCEED, Payload: "true" })
        .catch(() => {});
    }
  }
  known.set(changeId, answer);
  return answer;
}
