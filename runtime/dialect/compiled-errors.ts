/**
 * How compiled code's entry points hand errors to the runtime and back: what compiled code throws
 * is marked, so it is recorded with its class, fields, cause and stack (context/rich-errors.ts),
 * and what an operation started by compiled code rejects with is the original error rebuilt from
 * that record, on the first run and on every replay alike.
 */
import { markCompiledError, originalError } from "../context/rich-errors.ts";

/** Runs compiled code (a step body, a durable body, a branch); whatever it throws is marked. */
export async function runMarked<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    markCompiledError(error);
    throw error;
  }
}

/** The operation's result, or its failure as the original error. */
export function asOriginal<T>(operation: PromiseLike<T>): Promise<T> {
  return Promise.resolve(operation).then(undefined, (error: unknown) => {
    throw originalError(error);
  });
}
