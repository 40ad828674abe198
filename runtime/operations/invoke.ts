/**
 * `ctx.invoke(name?, functionName, input?, config?)`: a CHAINED_INVOKE operation. START carries
 * the serialised input and `ChainedInvokeOptions { FunctionName, TenantId? }` and is awaited; the
 * service runs the target (a durable function or a plain one) and reports the outcome, which the
 * promise waits for (counting as pending, so the invocation suspends meanwhile). A failed, timed
 * out or stopped target surfaces as InvokeError whose cause carries the target's message.
 * Two leading strings read as (name, functionName), as in the official SDK 2.x.
 */
import { NameRule, splitName } from "../context/arguments.ts";
import type { DurableContextImpl, OperationSlot } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { DurableError, ErrorCode, InvokeError, causeOf, showValue } from "../context/errors.ts";
import type { Serdes } from "../context/serdes.ts";
import { deserializeWith, serializeWith } from "../context/serdes.ts";
import type { Operation } from "../protocol/wire.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

export interface InvokeConfig<I = unknown, O = unknown> {
  /** Serialises the input. @default the context's serdes (JSON) */
  payloadSerdes?: Serdes<I>;
  /** Deserialises the target's result. @default the context's serdes (JSON) */
  resultSerdes?: Serdes<O>;
  /** Tenant the target runs for (multi-tenant functions). @default none */
  tenantId?: string;
}

const DONE: ReadonlySet<string> = new Set([
  OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.TIMED_OUT, OperationStatus.STOPPED,
]);

export function invoke<O>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<O> {
  const { name, rest, where } = splitName("invoke", args, NameRule.stringSecond);
  const [functionName, input, config] = rest as [unknown, unknown, InvokeConfig | undefined];
  if (typeof functionName !== "string" || functionName.length === 0) {
    throw new DurableError(
      ErrorCode.INVALID_ARGUMENT,
      `${where}: the function to invoke must be a non-empty string (a function name or ARN), got ${showValue(functionName)}. Call it as invoke(name?, functionName, input?, config?).`,
    );
  }

  return ctx.operation(
    async (): Promise<OperationSlot> => {
      const slot = ctx.allocate({ type: OperationType.CHAINED_INVOKE, subType: OperationSubType.CHAINED_INVOKE, name });
      if (!slot.current()) {
        const payload = await serializeWith(config?.payloadSerdes ?? ctx.execution.serdes, input, slot.describe(), slot.serdesContext(), "input");
        await ctx.checkpoint(
          slot.update(OperationAction.START, {
            ...(payload !== undefined && { Payload: payload }),
            ChainedInvokeOptions: { FunctionName: functionName, ...(config?.tenantId && { TenantId: config.tenantId }) },
          }),
        );
      }
      return slot;
    },
    async (slot): Promise<O> => {
      const op = await ctx.waitFor(slot, (o) => o !== undefined && DONE.has(o.Status));
      return invokeOutcome<O>(op, slot, config?.resultSerdes ?? ctx.execution.serdes);
    },
  );
}

async function invokeOutcome<O>(op: Operation, slot: OperationSlot, serdes: Serdes<any>): Promise<O> {
  const details = op.ChainedInvokeDetails;
  if (op.Status === OperationStatus.SUCCEEDED) {
    return deserializeWith<O>(serdes, details?.Result, `the result of ${slot.describe()}`, slot.serdesContext());
  }
  const error = details?.Error;
  const fallback = op.Status === OperationStatus.FAILED ? "Invoke failed" : `Invoke ${op.Status.toLowerCase().replace("_", " ")}`;
  throw new InvokeError(error?.ErrorMessage || fallback, error && causeOf(error), error?.ErrorData);
}
