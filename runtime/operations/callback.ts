/**
 * `ctx.createCallback(name?, config?)`: a CALLBACK operation. START carries the timeouts and is
 * awaited, because the service assigns the callback id in its response. The call resolves to
 * `[promise, callbackId]`; the promise waits (counting as pending, so the invocation can suspend)
 * only once it is awaited, and settles when an external system completes the callback.
 * Failure -> CallbackExternalError, timeout (overall or heartbeat) -> CallbackTimeoutError, each
 * with the recorded error as its cause. The result is deserialised with `config.serdes`, else the
 * context's callback deserializer (by default the raw string is passed through, as in the
 * official SDK).
 */
import { splitName } from "../context/arguments.ts";
import type { DurableContextImpl, OperationSlot } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import type { Duration } from "../context/duration.ts";
import { durationToSeconds } from "../context/duration.ts";
import { CallbackError, CallbackExternalError, CallbackTimeoutError, DurableError, ErrorCode, causeOf } from "../context/errors.ts";
import type { Serdes } from "../context/serdes.ts";
import { deserializeWith } from "../context/serdes.ts";
import type { ErrorObject, Operation } from "../protocol/wire.ts";
import { OperationAction, OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

export interface CreateCallbackConfig<T = string> {
  /** Overall time the external system has to answer. @default none */
  timeout?: Duration;
  /** Time allowed between heartbeats. @default none */
  heartbeatTimeout?: Duration;
  /** Deserialises the result string. @default the context's callback deserializer */
  serdes?: Omit<Serdes<T>, "serialize"> & { serialize?: Serdes<T>["serialize"] };
}

export type CreateCallbackResult<T = string> = [DurablePromise<T>, string];

const TERMINAL: ReadonlySet<string> = new Set([OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.TIMED_OUT]);

export function createCallback<T>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<CreateCallbackResult<T>> {
  const { name, rest, where } = splitName("createCallback", args);
  const config = rest[0] as CreateCallbackConfig<T> | undefined;
  requireConfigObject(where, config);
  const timeout = config?.timeout ? durationToSeconds(config.timeout, `${where} timeout`, 1) : undefined;
  const heartbeat = config?.heartbeatTimeout ? durationToSeconds(config.heartbeatTimeout, `${where} heartbeatTimeout`, 1) : undefined;

  return ctx.operation(
    async (): Promise<OperationSlot> => {
      const slot = ctx.allocate({ type: OperationType.CALLBACK, subType: OperationSubType.CALLBACK, name });
      if (!slot.current()) {
        await ctx.checkpoint(
          slot.update(OperationAction.START, { CallbackOptions: { TimeoutSeconds: timeout, HeartbeatTimeoutSeconds: heartbeat } }),
        );
      }
      return slot;
    },
    async (slot): Promise<CreateCallbackResult<T>> => {
      const callbackId = slot.current()?.CallbackDetails?.CallbackId;
      if (!callbackId) {
        throw new CallbackError(`The service returned no callback id for ${slot.describe()}; the callback cannot be completed from outside.`);
      }
      const serdes = config?.serdes ?? ctx.execution.callbackDeserializer;
      const result = new DurablePromise<T>(async () => {
        const op = await ctx.waitFor(slot, (o) => o !== undefined && TERMINAL.has(o.Status));
        return settleCallback<T>(op, slot, serdes);
      });
      return [result, callbackId];
    },
  );
}

/** The value of a completed callback, or its rebuilt failure. Shared with waitForCallback. */
export async function settleCallback<T>(op: Operation, slot: OperationSlot, serdes: Pick<Serdes<any>, "deserialize">): Promise<T> {
  const details = op.CallbackDetails;
  if (op.Status === OperationStatus.SUCCEEDED) {
    return deserializeWith<T>(serdes, details?.Result, slot.describe(), slot.serdesContext());
  }
  throw callbackFailure(op.Status === OperationStatus.TIMED_OUT, details?.Error);
}

export function callbackFailure(timedOut: boolean, error: ErrorObject | undefined): CallbackError {
  const Failure = timedOut ? CallbackTimeoutError : CallbackExternalError;
  return error ? new Failure(error.ErrorMessage, causeOf(error), error.ErrorData) : new Failure();
}

/** Rejects a config that is not an object, naming the call. */
export function requireConfigObject(where: string, config: unknown): void {
  if (config !== undefined && (typeof config !== "object" || config === null)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `${where}: the config must be an object such as { timeout: { minutes: 5 } }, got ${String(config)}.`);
  }
}
