/**
 * `ctx.waitForCallback(name?, submitter(callbackId, ctx), config?)`: a child context with subtype
 * WaitForCallback holding an unnamed CALLBACK and an unnamed STEP that runs the submitter (with
 * the config's retry strategy), then waiting for the callback. Errors: the callback's own
 * (CallbackTimeoutError, CallbackExternalError) pass through; a submitter that fails for good
 * becomes CallbackSubmitterError; anything else ChildContextError. The raw callback string is
 * kept through the child context and deserialised once at the end with `config.serdes`, else the
 * context's callback deserializer, exactly as the official SDK 2.x does.
 */
import { requireFunction, splitName } from "../context/arguments.ts";
import { createCallback, requireConfigObject } from "./callback.ts";
import type { CreateCallbackConfig } from "./callback.ts";
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import type { DurableOperationError } from "../context/errors.ts";
import { CallbackSubmitterError, ChildContextError } from "../context/errors.ts";
import { passThroughSerdes } from "../context/execution.ts";
import type { DurableContextLogger, DurableLogger } from "../context/logger.ts";
import type { RetryStrategy } from "./retry-strategy.ts";
import { deserializeWith } from "../context/serdes.ts";
import { OperationSubType } from "../protocol/wire.ts";

export interface WaitForCallbackContext<Logger extends DurableLogger = DurableLogger> {
  logger: DurableContextLogger<Logger>;
}

export type WaitForCallbackSubmitter<Logger extends DurableLogger = DurableLogger> = (callbackId: string, context: WaitForCallbackContext<Logger>) => unknown;

export interface WaitForCallbackConfig<T = string> extends CreateCallbackConfig<T> {
  /** Retries of the submitter step. @default the step default (6 attempts, exponential) */
  retryStrategy?: RetryStrategy;
}

const PASS_THROUGH_TYPES = new Set(["CallbackTimeoutError", "CallbackExternalError", "CallbackError"]);

function mapError(error: DurableOperationError): Error {
  if (PASS_THROUGH_TYPES.has(error.errorType)) return error;
  if (error.errorType === "StepError") return new CallbackSubmitterError(error.message, error);
  return new ChildContextError(error.message, error);
}

export function waitForCallback<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<T> {
  const { name, rest, where } = splitName("waitForCallback", args);
  const [submitter, config] = rest as [WaitForCallbackSubmitter, WaitForCallbackConfig<T> | undefined];
  requireFunction("waitForCallback", "submitter", submitter);
  requireConfigObject(where, config);
  const customDeserializer = ctx.execution.callbackDeserializer !== passThroughSerdes;
  const callbackConfig: CreateCallbackConfig<string> = {
    ...(config?.timeout && { timeout: config.timeout }),
    ...(config?.heartbeatTimeout && { heartbeatTimeout: config.heartbeatTimeout }),
    serdes: passThroughSerdes,
  };

  const raw = ctx.runInChildContext<string>(
    name,
    async (childContext: DurableContext) => {
      const child = childContext as DurableContextImpl;
      const [callback, callbackId] = await createCallback<string>(child, [undefined, callbackConfig]);
      await child.step(
        undefined,
        async (stepContext: { logger: DurableLogger }) => {
          await submitter(callbackId, { logger: stepContext.logger });
        },
        config?.retryStrategy ? { retryStrategy: config.retryStrategy } : undefined,
      );
      return await callback;
    },
    {
      subType: OperationSubType.WAIT_FOR_CALLBACK,
      errorMapper: mapError,
      ...(customDeserializer && { serdes: passThroughSerdes }),
    },
  );
  return new DurablePromise<T>(async () => {
    const value = await raw;
    const serdes = config?.serdes ?? ctx.execution.callbackDeserializer;
    return deserializeWith<T>(serdes, value, where, {
      entityId: "",
      durableExecutionArn: ctx.execution.arn,
    });
  });
}
