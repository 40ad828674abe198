/**
 * What compiled code calls for `Promise.all / allSettled / any / race` over durable work and for
 * `Promise.all(xs.map(async x => ...))` (DESIGN rule 3). Each branch runs in its own child
 * context of a Parallel (or Map) operation, so operation ids never depend on completion order,
 * and the answer is plain JS: the same values in the same order, the same error (rebuilt from
 * its record with its class, fields, cause and stack, on the first run and on replay alike), an
 * AggregateError when every branch of `any` rejects.
 *
 * The completion config encodes each combinator, so the deciding branch is the one recorded:
 * all = fail-fast, allSettled = wait for all, any = first success, race = first to finish.
 */
import type { BatchResult } from "../batch/batch-result.ts";
import { runBatch } from "../batch/batch-operation.ts";
import type { BatchConfig, BatchUnit } from "../batch/batch-operation.ts";
import { completeBatch, continueBatch } from "../batch/completion.ts";
import { currentFrame, requireContext } from "../context/current-context.ts";
import { located } from "../context/locate.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import { map } from "../batch/map.ts";
import { originalError } from "../context/rich-errors.ts";
import { runMarked } from "./compiled-errors.ts";
import { anchored } from "./replay-clock.ts";
import { batchOptions } from "./dialect-options.ts";

type Branch = () => Promise<unknown>;

export async function promiseAll(name: string, branches: readonly Branch[]): Promise<unknown[]> {
  const result = await run("Promise.all", name, branches, {});
  throwFirstFailure(result);
  return inOrder(result);
}

export async function promiseAllSettled(name: string, branches: readonly Branch[]): Promise<PromiseSettledResult<unknown>[]> {
  const result = await run("Promise.allSettled", name, branches, { completionConfig: { toleratedFailureCount: branches.length } });
  return settled(result);
}

function settled(result: BatchResult<unknown>): PromiseSettledResult<unknown>[] {
  return [...result.all].sort((a, b) => a.index - b.index).map((item): PromiseSettledResult<unknown> =>
    item.status === "SUCCEEDED"
      ? { status: "fulfilled", value: item.result }
      : { status: "rejected", reason: originalError(item.error) },
  );
}

export async function promiseAny(name: string, branches: readonly Branch[]): Promise<unknown> {
  if (branches.length === 0) return Promise.reject(new AggregateError([], "All promises were rejected"));
  const result = await run("Promise.any", name, branches, {
    completionConfig: { minSuccessful: 1, toleratedFailureCount: branches.length },
  });
  const winner = result.all.find((item) => item.status === "SUCCEEDED");
  if (winner) return winner.result;
  const errors = [...result.all].sort((a, b) => a.index - b.index).map((item) => originalError(item.error));
  throw new AggregateError(errors, "All promises were rejected");
}

export async function promiseRace(name: string, branches: readonly Branch[]): Promise<unknown> {
  // Promise.race([]) never settles; so does this, rather than inventing an answer.
  if (branches.length === 0) return new Promise<never>(() => {});
  const result = await run("Promise.race", name, branches, {
    completionConfig: { shouldComplete: (s) => (s.completedCount >= 1 ? completeBatch() : continueBatch()) },
  });
  const first = result.all.find((item) => item.status !== "STARTED")!;
  if (first.status === "FAILED") throw originalError(first.error);
  return first.result;
}

type MapFn = (item: unknown, index: number, items: readonly unknown[]) => Promise<unknown>;

export async function mapAll(name: string, items: readonly unknown[], fn: MapFn): Promise<unknown[]> {
  const result = await runMap("Promise.all", name, items, fn, {});
  throwFirstFailure(result);
  return inOrder(result);
}

/** `Promise.allSettled(xs.map(fn))`: every item runs; the results in item order, as plain JS settles them. */
export async function mapAllSettled(name: string, items: readonly unknown[], fn: MapFn): Promise<PromiseSettledResult<unknown>[]> {
  const result = await runMap("Promise.allSettled", name, items, fn, { completionConfig: { toleratedFailureCount: Array.isArray(items) ? items.length : 0 } });
  return settled(result);
}

async function runMap(what: string, name: string, items: readonly unknown[], fn: MapFn, config: BatchConfig<unknown>) {
  if (!Array.isArray(items)) {
    const error = new DurableError(ErrorCode.INVALID_ARGUMENT, `${what} "${name}": the value mapped over is not an array (got ${items === null ? "null" : typeof items}). Map over an array (Array.from(x) for another iterable).`);
    throw currentFrame() ? located(error, currentFrame()!.context, name) : error;
  }
  const ctx = requireContext(`${what}(...map(...)) "${name}"`);
  return anchored(ctx, () => map<unknown, unknown>(ctx, [
    name,
    items,
    (_child: unknown, item: unknown, index: number) => runMarked(() => fn(item, index, items)),
    { ...batchOptions(), ...config },
  ]));
}

async function run(what: string, name: string, branches: readonly Branch[], config: BatchConfig<unknown>) {
  if (!Array.isArray(branches)) {
    const error = new DurableError(ErrorCode.INVALID_ARGUMENT, `${what} "${name}": expected an array of branches, got ${typeof branches}. Pass an array literal of calls.`);
    throw currentFrame() ? located(error, currentFrame()!.context, name) : error;
  }
  const ctx = requireContext(`${what} "${name}"`);
  const units: BatchUnit<unknown>[] = branches.map((branch, index) => ({
    name: `parallel-branch-${index}`,
    run: () => runMarked(branch),
  }));
  return anchored(ctx, () => runBatch(ctx, "parallel", name, units, { ...batchOptions(), ...config }));
}

function inOrder(result: BatchResult<unknown>): unknown[] {
  const values = new Array<unknown>(result.totalCount);
  for (const item of result.all) values[item.index] = item.result;
  return values;
}

function throwFirstFailure(result: BatchResult<unknown>): void {
  const failed = result.all.find((item) => item.status === "FAILED");
  if (failed) throw originalError(failed.error);
}
