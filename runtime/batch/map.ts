/**
 * `ctx.map(name?, items, fn(ctx, item, index, items), config?)`: one child context per item
 * (MapIteration, named by `itemNamer` or "map-item-<i>"), run by the concurrent executor.
 * Resolves to a BatchResult and never throws for an item's failure. With `itemBatcher`, each
 * group of consecutive items shares one child context (fn runs for its items in order; a
 * failure fails the whole group) and the completion config counts groups, not items.
 */
import { checkName, kindOf, splitName } from "../context/arguments.ts";
import { BatchResult } from "./batch-result.ts";
import type { BatchItem } from "./batch-result.ts";
import { batchArgumentError, checkBatchConfig, runBatch } from "./batch-operation.ts";
import type { BatchConfig, BatchUnit } from "./batch-operation.ts";
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import type { DurableLogger } from "../context/logger.ts";
import { batchItems } from "./item-batcher.ts";
import type { ItemBatcher } from "./item-batcher.ts";

export type MapFunction<I, R, Logger extends DurableLogger = DurableLogger> = (context: DurableContext<Logger>, item: I, index: number, items: I[]) => R | Promise<R>;
/** The official SDK's name and shape for a map function. */
export type MapFunc<TInput, TOutput, Logger extends DurableLogger> = (context: DurableContext<Logger>, item: TInput, index: number, array: TInput[]) => Promise<TOutput>;

export interface MapConfig<I, R> extends BatchConfig<R> {
  /** Name of each item's child context. @default "map-item-<index>" */
  itemNamer?: (item: I, index: number) => string;
  /** Group consecutive items into one child context each (use-durable only). @default none */
  itemBatcher?: ItemBatcher;
}

export function map<I, R>(ctx: DurableContextImpl, args: readonly unknown[]): DurablePromise<BatchResult<R>> {
  const { name, rest, where } = splitName("map", args);
  const [items, fn, config] = rest as [I[], MapFunction<I, R>, MapConfig<I, R> | undefined];
  if (!Array.isArray(items) || typeof fn !== "function") {
    const wrong = Array.isArray(items) ? `fn must be a function, got ${kindOf(fn)}` : `items must be an array, got ${kindOf(items)}`;
    throw batchArgumentError(where, `${wrong}. Call it as map(name?, items, fn, config?).`);
  }
  checkBatchConfig(where, config);
  const nameOf = (index: number): string => {
    const given = config?.itemNamer?.(items[index]!, index);
    if (given) checkName(`${where} itemNamer`, given);
    return given || `map-item-${index}`;
  };

  if (!config?.itemBatcher) {
    const units: BatchUnit<R>[] = items.map((item, index) => ({
      name: nameOf(index),
      run: async (child) => fn(child, item, index, items),
    }));
    return runBatch(ctx, "map", name, units, config);
  }

  const groups = batchItems(items, config.itemBatcher, where);
  const units: BatchUnit<R[]>[] = groups.map((group) => ({
    name: group.length === 1 ? nameOf(group[0]!) : `${nameOf(group[0]!)}..${group[group.length - 1]}`,
    run: async (child) => {
      const results: R[] = [];
      for (const index of group) results.push(await fn(child, items[index]!, index, items));
      return results;
    },
  }));
  if (config.itemSerdes || config.serdes || config.summaryGenerator) {
    throw batchArgumentError(where, "itemBatcher cannot be combined with itemSerdes, serdes or summaryGenerator (each group's result is an array of item results); drop one of them.");
  }
  const { itemSerdes: _i, serdes: _s, summaryGenerator: _g, replayChildren: _r, ...shared } = config;
  const grouped = runBatch<R[]>(ctx, "map", name, units, shared);
  return new DurablePromise(async () => perItem(await grouped, groups));
}

/** Spreads each group's outcome back onto its items, in item order. */
function perItem<R>(result: BatchResult<R[]>, groups: number[][]): BatchResult<R> {
  const all: BatchItem<R>[] = [];
  for (const unit of result.all) {
    const group = groups[unit.index]!;
    group.forEach((index, position) => {
      if (unit.status === "SUCCEEDED") all.push({ index, status: "SUCCEEDED", result: unit.result![position]! });
      else if (unit.status === "FAILED") all.push({ index, status: "FAILED", ...(unit.error && { error: unit.error }) });
      else all.push({ index, status: "STARTED" });
    });
  }
  return new BatchResult<R>(all, result.completionReason);
}
