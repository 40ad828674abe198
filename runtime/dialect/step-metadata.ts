/**
 * `stepMetadata()`: inside a step run by compiled code (a compiled call, a step called by a
 * library, the `step()` intrinsic), what identifies this step and this attempt: a stable step id
 * (the same on every attempt and replay, different for every step of every execution: an
 * idempotency key for a payment API), the operation id, the name, the attempt (1 first) and the
 * execution ARN. It owns only that record and where it is visible.
 */
import type { DurableContextImpl } from "../context/durable-context.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
// Marked pure so that a bundle which never reads step metadata drops this module whole.
const asyncHooks = /* @__PURE__ */ process.getBuiltinModule("node:async_hooks");
const crypto = /* @__PURE__ */ process.getBuiltinModule("node:crypto");

export interface StepMetadata {
  /** 32 hex characters from the execution ARN and the operation id: stable across attempts and replays. */
  stepId: string;
  /** The operation's id in the execution's history. */
  operationId: string;
  name: string | undefined;
  /** 1 for the first attempt. */
  attempt: number;
  executionArn: string;
}

const storage = /* @__PURE__ */ new asyncHooks.AsyncLocalStorage<StepMetadata>();

export function runWithStepMetadata<T>(ctx: DurableContextImpl, operationId: string, name: string | undefined, attempt: number, fn: () => T): T {
  const executionArn = ctx.execution.arn;
  const stepId = crypto.createHash("sha256").update(`${executionArn}\n${operationId}`).digest("hex").slice(0, 32);
  return storage.run({ stepId, operationId, name, attempt, executionArn }, fn);
}

/** The current step's metadata; a coded error outside a step of compiled code. */
export function stepMetadata(): StepMetadata {
  const metadata = storage.getStore();
  if (!metadata) {
    throw new DurableError(
      ErrorCode.NOT_IN_DURABLE_CONTEXT,
      `stepMetadata() was called outside a step. Call it inside a "use step" function or a step() body ` +
        `(steps run through the ctx API have their attempt in the step's context argument instead).`,
    );
  }
  return metadata;
}
