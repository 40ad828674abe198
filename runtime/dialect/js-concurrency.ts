/**
 * What compiled code calls for `Promise.all / allSettled / any / race` over durable work and for
 * `Promise.all(xs.map(async x => ...))` (DESIGN rule 3). Each branch runs in its own child
 * context of a Parallel (or Map) operation, so operation ids never depend on completion order,
 * and the answer is plain JS: the same values in the same order, the same error (the original
 * object in the invocation that ran it, an Error with the recorded name and message on replay),
 * an AggregateError when every branch of `any` rejects.
 *
 * The completion config encodes each combinator, so the deciding branch is the one recorded:
 * all = fail-fast, allSettled = wait for all, any = first success, race = first to finish.
 */
import type { BatchResult } from "../batch/batch-result.ts";
import { runBatch } from "../batch/batch-operation.ts";
import type { BatchConfig, BatchUnit } from "../batch/batch-operation.ts";
import { completeBatch, continueBatch } from "../batch/completion.ts";
import { requireContext } from "../context/current-context.ts";
import type { DurableOperationError } from "../context/errors.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import { map } from "../batch/map.ts";
import { batchOptions } from "./dialect-options.ts";

type Branch = () => Promise<unknown>;

export async function promiseAll(name: string, branches: readonly Branch[]): Promise<unknown[]> {
  const { result, originals } = await run("Promise.all", name, branches, {});
  throwFirstFailure(result, originals);
  return inOrder(result);
}

export async function promiseAllSettled(name: string, branches: readonly Branch[]): Promise<PromiseSettledResult<unknown>[]> {
  const { result, originals } = await run("Promise.allSettled", name, branches, { completionConfig: { toleratedFailureCount: branches.length } });
  return result.all.map((item): PromiseSettledResult<unknown> =>
    item.status === "SUCCEEDED"
      ? { status: "fulfilled", value: item.result }
      : { status: "rejected", reason: originalError(item.index, item.error, originals) },
  );
}

export async function promiseAny(name: string, branches: readonly Branch[]): Promise<unknown> {
  if (branches.length === 0) return Promise.reject(new AggregateError([], "All promises were rejected"));
  const { result, originals } = await run("Promise.any", name, branches, {
    completionConfig: { minSuccessful: 1, toleratedFailureCount: branches.length },
  });
  const winner = result.all.find((item) => item.status === "SUCCEEDED");
  if (winner) return winner.result;
  const errors = [...result.all].sort((a, b) => a.index - b.index).map((item) => originalError(item.index, item.error, originals));
  throw new AggregateError(errors, "All promises were rejected");
}

export async function promiseRace(name: string, branches: readonly Branch[]): Promise<unknown> {
  // Promise.race([]) never settles; so does this, rather than inventing an answer.
  if (branches.length === 0) return new Promise<never>(() => {});
  const { result, originals } = await run("Promise.race", name, branches, {
    completionConfig: { shouldComplete: (s) => (s.completedCount >= 1 ? completeBatch() : continueBatch()) },
  });
  const first = result.all.find((item) => item.status !== "STARTED")!;
  if (first.status === "FAILED") throw originalError(first.index, first.error, originals);
  return first.result;
}

export async function mapAll(
  name: string,
  items: readonly unknown[],
  fn: (item: unknown, index: number, items: readonly unknown[]) => Promise<unknown>,
): Promise<unknown[]> {
  if (!Array.isArray(items)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `Promise.all over ${name}: the mapped value is not an array (got ${items === null ? "null" : typeof items}).`);
  }
  const ctx = requireContext(`Promise.all(...map(...)) "${name}"`);
  const originals = new Map<number, unknown>();
  const result = await map<unknown, unknown>(ctx, [
    name,
    items,
    async (_child: unknown, item: unknown, index: number) => {
      try {
        return await fn(item, index, items);
      } catch (error) {
        originals.set(index, error);
        throw error;
      }
    },
    batchOptions(),
  ]);
  throwFirstFailure(result, originals);
  return inOrder(result);
}

async function run(what: string, name: string, branches: readonly Branch[], config: BatchConfig<unknown>) {
  if (!Array.isArray(branches)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `${what} "${name}": expected an array of branches, got ${typeof branches}.`);
  }
  const ctx = requireContext(`${what} "${name}"`);
  const originals = new Map<number, unknown>();
  const units: BatchUnit<unknown>[] = branches.map((branch, index) => ({
    name: `parallel-branch-${index}`,
    run: async () => {
      try {
        return await branch();
      } catch (error) {
        originals.set(index, error);
        throw error;
      }
    },
  }));
  const result = await runBatch(ctx, "parallel", name, units, { ...batchOptions(), ...config });
  return { result, originals };
}

function inOrder(result: BatchResult<unknown>): unknown[] {
  const values = new Array<unknown>(result.totalCount);
  for (const item of result.all) values[item.index] = item.result;
  return values;
}

function throwFirstFailure(result: BatchResult<unknown>, originals: ReadonlyMap<number, unknown>): void {
  const failed = result.all.find((item) => item.status === "FAILED");
  if (failed) throw originalError(failed.index, failed.error, originals);
}

/**
 * The branch's own error when this invocation saw it thrown; on replay, an Error carrying the
 * recorded name and message (unwrapping the ChildContextError / StepError layers around it).
 */
function originalError(index: number, wrapped: Error | undefined, originals: ReadonlyMap<number, unknown>): unknown {
  if (originals.has(index)) return originals.get(index);
  let node: unknown = wrapped;
  while (node instanceof Error && isWrapper(node) && node.cause instanceof Error) node = node.cause;
  if (!(node instanceof Error)) return wrapped;
  if (DurableError.is(node)) return node;
  const plain = new Error(node.message);
  plain.name = node.name;
  return plain;
}

function isWrapper(error: Error): boolean {
  const type = (error as Partial<DurableOperationError>).errorType;
  return type === "ChildContextError" || type === "StepError";
}
