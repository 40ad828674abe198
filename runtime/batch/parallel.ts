/**
 * `ctx.parallel(name?, branches, config?)`: each branch (a function of a context, or
 * `{ name, func }`) in its own child context (ParallelBranch, named "parallel-branch-<i>" unless
 * given), run by the concurrent executor. Resolves to a BatchResult and never throws for a
 * branch's failure.
 */
import { checkName, kindOf, splitName } from "../context/arguments.ts";
import type { BatchResult } from "./batch-result.ts";
import { batchArgumentError, checkBatchConfig, runBatch } from "./batch-operation.ts";
import type { BatchConfig, BatchUnit } from "./batch-operation.ts";
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import type { DurableLogger } from "../context/logger.ts";

export type ParallelFunction<R, Logger extends DurableLogger = DurableLogger> = (context: DurableContext<Logger>) => R | Promise<R>;
/** The official SDK's name and shape for a branch. */
export type ParallelFunc<R, Logger extends DurableLogger = DurableLogger> = (context: DurableContext<Logger>) => Promise<R>;
export interface NamedParallelBranch<R, Logger extends DurableLogger = DurableLogger> {
  name?: string;
  func: ParallelFunction<R, Logger>;
}
export type ParallelBranch<R, Logger extends DurableLogger = DurableLogger> = ParallelFunction<R, Logger> | NamedParallelBranch<R, Logger>;
/** The result type of a list of branches of different types (a union of their results). */
export type BranchesResult<Branches extends readonly unknown[], Logger extends DurableLogger = DurableLogger> =
  Branches[number] extends ParallelFunction<infer R, Logger> ? Awaited<R> : Branches[number] extends NamedParallelBranch<infer R, Logger> ? Awaited<R> : never;
export type ParallelConfig<R> = BatchConfig<R>;

export function parallel<R>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<BatchResult<R>> {
  const { name, rest, where } = splitName("parallel", args);
  const [branches, config] = rest as [ReadonlyArray<ParallelBranch<R>>, ParallelConfig<R> | undefined];
  if (!Array.isArray(branches)) {
    throw batchArgumentError(where, `branches must be an array of functions or { name?, func } objects, got ${kindOf(branches)}. Call it as parallel(name?, branches, config?).`);
  }
  checkBatchConfig(where, config);
  const units: BatchUnit<R>[] = branches.map((branch, index) => {
    const func = typeof branch === "function" ? branch : branch?.func;
    if (typeof func !== "function") {
      throw batchArgumentError(where, `branch ${index} is neither a function nor a { name?, func } object, got ${kindOf(branch)}.`);
    }
    const given = typeof branch === "function" ? undefined : branch.name;
    if (given) checkName(`${where} branch ${index}`, given);
    return { name: given || `parallel-branch-${index}`, run: async (child: DurableContext) => func(child) };
  });
  return runBatch(ctx, "parallel", name, units, config);
}
