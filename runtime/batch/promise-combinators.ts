/**
 * `ctx.promise.all / allSettled / any / race(name?, promises)`: the official SDK 2.x combinators.
 * Each is one child context (RunInChildContext) whose body awaits the given durable promises
 * with the JS combinator, so its outcome is checkpointed once and replayed as recorded, whatever
 * order the inputs settle in next time. A failure surfaces as PromiseCombinatorError. The
 * allSettled result keeps rejected reasons as errors (name, message, stack) through the payload.
 */
import { kindOf, splitName } from "../context/arguments.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { DurableError, ErrorCode, PromiseCombinatorError } from "../context/errors.ts";
import type { Serdes } from "../context/serdes.ts";

export interface DurablePromiseCombinators {
  all<T>(name: string | undefined, promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T[]>;
  all<T>(promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T[]>;
  allSettled<T>(name: string | undefined, promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<PromiseSettledResult<T>[]>;
  allSettled<T>(promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<PromiseSettledResult<T>[]>;
  any<T>(name: string | undefined, promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T>;
  any<T>(promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T>;
  race<T>(name: string | undefined, promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T>;
  race<T>(promises: ReadonlyArray<PromiseLike<T>>): DurablePromise<T>;
}

export function promiseCombinators(ctx: DurableContextImpl): DurablePromiseCombinators {
  const make =
    (method: keyof DurablePromiseCombinators) =>
    (...args: unknown[]): DurablePromise<any> => {
      const { name, rest, where } = splitName(`promise.${method}`, args);
      const promises = rest[0];
      if (!Array.isArray(promises)) {
        throw new DurableError(
          ErrorCode.INVALID_ARGUMENT,
          `${where}: pass an array of promises (usually durable operations such as ctx.step(...)), got ${kindOf(promises)}.`,
        );
      }
      return ctx.runInChildContext(name, () => (Promise[method] as (p: unknown[]) => Promise<unknown>).call(Promise, promises), {
        errorMapper: (error: Error) => new PromiseCombinatorError(error.message, error),
        ...(method === "allSettled" && { serdes: settledSerdes }),
      });
    };
  return { all: make("all"), allSettled: make("allSettled"), any: make("any"), race: make("race") } as DurablePromiseCombinators;
}

interface SerializedReason {
  name: string;
  message: string;
  stack?: string;
}

/** allSettled results with Error reasons kept as { name, message, stack }, as the official SDK writes them. */
export const settledSerdes: Serdes<PromiseSettledResult<unknown>[]> = {
  serialize: (value) =>
    value === undefined
      ? undefined
      : JSON.stringify(
          value.map((entry) =>
            entry.status === "rejected" && entry.reason instanceof Error
              ? { ...entry, reason: { message: entry.reason.message, name: entry.reason.name, stack: entry.reason.stack } }
              : entry,
          ),
        ),
  deserialize: (data) => {
    if (data === undefined) return undefined;
    const entries = JSON.parse(data) as Array<PromiseSettledResult<unknown>>;
    return entries.map((entry) => {
      if (entry.status !== "rejected" || typeof entry.reason !== "object" || entry.reason === null) return entry;
      const reason = entry.reason as SerializedReason;
      if (!reason.message) return entry;
      const error = new Error(reason.message);
      error.name = reason.name || "Error";
      if (reason.stack) error.stack = reason.stack;
      return { ...entry, reason: error };
    });
  },
};
