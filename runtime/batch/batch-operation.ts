/**
 * A map or parallel as operations: one CONTEXT (subtype Map / Parallel) whose body runs the
 * concurrent executor, each unit of work in its own child context (MapIteration /
 * ParallelBranch), or in a virtual one with `nesting: "FLAT"` (no CONTEXT of its own; its
 * operations are parented to the batch). The batch's payload is the serialised BatchResult, or a
 * summary with ReplayChildren when it is over 256 KiB; replaying such a batch re-drives only the
 * units the summary marks finished and keeps the recorded completion reason. When the batch
 * completes early, the batch context is closed at once, so units still running never checkpoint.
 */
import { stringEnum } from "../protocol/string-enum.ts";
import { batchErrorCodec, BatchResult, deserializeBatchResult, parseBatchSummary, serializeBatchResult, summarizeBatchResult } from "./batch-result.ts";
import type { BatchItem, BatchKind } from "./batch-result.ts";
import type { CompletionConfig } from "./completion.ts";
import { completionConfigProblem, ExecutionCounters } from "./completion.ts";
import { executeBatch } from "./concurrent-executor.ts";
import type { ReportOutcome } from "./concurrent-executor.ts";
import { asChildContextError, runUnit } from "./batch-unit.ts";
import type { BatchUnit, UnitOptions } from "./batch-unit.ts";
import type { DurableLogger } from "../context/logger.ts";
import type { DurableContext, DurableContextImpl } from "../context/durable-context.ts";
import type { DurablePromise } from "../context/durable-promise.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";
import type { Serdes } from "../context/serdes.ts";
import { hashId } from "../context/operation-id.ts";
import { OperationStatus, OperationSubType, OperationType } from "../protocol/wire.ts";

export const NestingType = stringEnum("NESTED", "FLAT");
export type NestingType = (typeof NestingType)[keyof typeof NestingType];

/** Options shared by map and parallel, named as in the official SDK 2.x. */
export interface BatchConfig<R> {
  /** Units running at once. @default unlimited */
  maxConcurrency?: number;
  /** When the batch is done. @default {} (fail-fast: complete at the first failure) */
  completionConfig?: CompletionConfig;
  /** A CONTEXT per unit (NESTED) or virtual units (FLAT, fewer operations). @default "NESTED" */
  nesting?: NestingType;
  /** Serdes of each unit's result. @default the context's serdes (JSON) */
  itemSerdes?: Serdes<R>;
  /** Serdes of the whole BatchResult. @default the BatchResult payload codec */
  serdes?: Serdes<BatchResult<R>>;
  /** Extra text stored in the summary written when the result is over 256 KiB. @default none */
  summaryGenerator?: (result: BatchResult<R>) => string;
  /**
   * use-durable only: a unit result it holds for (compiled code: "is not data") is kept in memory,
   * with the unit's and the batch's children kept, and rebuilt on replay. @default none
   */
  replayChildren?: (result: R) => boolean;
}

export type { BatchUnit } from "./batch-unit.ts";

/** The official SDK's types of its internal concurrent executor, which map and parallel build on. */
export interface ConcurrentExecutionItem<T> {
  id: string;
  data: T;
  index: number;
  name?: string;
}
export type ConcurrentExecutor<TItem, TResult, Logger extends DurableLogger> = (item: ConcurrentExecutionItem<TItem>, childContext: DurableContext<Logger>) => Promise<TResult>;
export interface ConcurrencyConfig<TResult> extends BatchConfig<TResult> {
  topLevelSubType?: string;
  iterationSubType?: string;
}

const SUBTYPES = {
  map: { batch: OperationSubType.MAP, unit: OperationSubType.MAP_ITERATION },
  parallel: { batch: OperationSubType.PARALLEL, unit: OperationSubType.PARALLEL_BRANCH },
} as const;

/** An argument or config error of a map / parallel call, named as written (`map "orders": ...`). */
export function batchArgumentError(where: string, message: string): DurableError {
  return new DurableError(ErrorCode.INVALID_ARGUMENT, `${where}: ${message}`);
}

/** Config problems a caller must fix; thrown synchronously from map() / parallel(). */
export function checkBatchConfig<R>(where: string, config: BatchConfig<R> | undefined): void {
  const bad = (message: string): never => {
    throw batchArgumentError(where, message);
  };
  if (config === undefined) return;
  if (typeof config !== "object" || config === null) bad(`the config must be an object such as { maxConcurrency: 5 } (or left out), got ${String(config)}.`);
  const max = config.maxConcurrency;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    bad(`maxConcurrency must be a whole number >= 1 (or left out for no limit), got ${String(max)}.`);
  }
  if (config.nesting !== undefined && config.nesting !== NestingType.NESTED && config.nesting !== NestingType.FLAT) {
    bad(`nesting must be "NESTED" or "FLAT", got ${JSON.stringify(config.nesting)}.`);
  }
  const problem = completionConfigProblem(config.completionConfig);
  if (problem) bad(`${problem}.`);
}

export function runBatch<R>(
  ctx: DurableContextImpl,
  kind: BatchKind,
  name: string | undefined,
  units: ReadonlyArray<BatchUnit<R>>,
  config: BatchConfig<R> | undefined,
): DurablePromise<BatchResult<R>> {
  return ctx.runInChildContext<BatchResult<R>>(
    name,
    async (batchContext: DurableContext) => {
      const batch = batchContext as DurableContextImpl;
      if (batch.replayOnly) return replaySummarized(batch, kind, units, config);
      return executeBatch<R>({
        count: units.length,
        ...(config?.maxConcurrency !== undefined && { maxConcurrency: config.maxConcurrency }),
        ...(config?.completionConfig && { completionConfig: config.completionConfig }),
        names: units.map((u) => u.name),
        runItem: (index, report) => runUnit(batch, units[index]!, unitOptions(kind, config, report)),
        // Close the gate at completion, after the counted units' updates and the last starts were
        // queued: units still running (or finishing in the same round) must not checkpoint.
        onSettled: () => {
          batch.finished = true;
        },
      });
    },
    {
      subType: SUBTYPES[kind].batch,
      serdes: batchSerdes(config?.serdes),
      summaryGenerator: (result: BatchResult<R>) => summarizeBatchResult(kind, result, config?.summaryGenerator?.(result)),
      replayChildren: config?.replayChildren && ((result: BatchResult<R>) => result.all.some((i) => config.replayChildren!(i.result as R))),
    },
  );
}

/**
 * Replaying a batch whose payload was a summary: re-drive the units it marks finished (each
 * returns its recorded outcome), skip the others' ids, and keep the recorded completion reason.
 * Units start in index order, so a "-" before the last mark was started and still running when
 * the batch completed: it comes back as STARTED, and the rebuilt result equals the first one.
 */
async function replaySummarized<R>(batch: DurableContextImpl, kind: BatchKind, units: ReadonlyArray<BatchUnit<R>>, config: BatchConfig<R> | undefined): Promise<BatchResult<R>> {
  const recorded = batch.id === undefined ? undefined : batch.execution.state.get(batch.id);
  const summary = parseBatchSummary(recorded?.ContextDetails?.Result);
  const items: BatchItem<R>[] = [];
  const counters = new ExecutionCounters(units.length, config?.completionConfig);
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]!;
    const finished = summary ? /[SF]/.test(summary.itemStatuses[index] ?? "-") : unitRecordIsTerminal(batch, index);
    if (!finished) {
      batch.allocate({ type: OperationType.CONTEXT, subType: SUBTYPES[kind].unit, name: unit.name });
      if (summary && index < summary.itemStatuses.length) items.push({ index, status: "STARTED" });
      continue;
    }
    counters.start(index);
    try {
      items.push({ result: await runUnit(batch, unit, unitOptions(kind, config, () => {})), index, status: "SUCCEEDED" });
      counters.succeed(index);
    } catch (error) {
      items.push({ error: asChildContextError(error), index, status: "FAILED" });
      counters.fail(index);
    }
  }
  return new BatchResult<R>(items, summary?.completionReason ?? counters.completionReason());
}

function unitOptions<R>(kind: BatchKind, config: BatchConfig<R> | undefined, report: ReportOutcome<R>): UnitOptions<R> {
  return { subType: SUBTYPES[kind].unit, flat: config?.nesting === NestingType.FLAT, serdes: config?.itemSerdes, report, replayChildren: config?.replayChildren };
}

/** Without a readable summary: a NESTED unit's own record says whether it finished. */
function unitRecordIsTerminal(batch: DurableContextImpl, index: number): boolean {
  const op = batch.execution.state.get(unitHashedId(batch, index));
  return op?.Status === OperationStatus.SUCCEEDED || op?.Status === OperationStatus.FAILED;
}

/** Units start in index order and each takes one id, so unit i is operation "<batch>-<i+1>". */
function unitHashedId(batch: DurableContextImpl, index: number): string {
  return hashId(`${batch.stepId}-${index + 1}`);
}

/** The batch payload codec, or the user's serdes with BatchResult methods restored. */
function batchSerdes<R>(custom: Serdes<BatchResult<R>> | undefined): Serdes<BatchResult<R>> {
  return {
    serialize: (value, context) =>
      custom ? custom.serialize(value, context) : value === undefined ? undefined : serializeBatchResult(value, batchErrorCodec),
    deserialize: async (data, context) => {
      if (!custom) return data === undefined ? undefined : deserializeBatchResult<R>(data, batchErrorCodec);
      const value = await custom.deserialize(data, context);
      if (value instanceof BatchResult || value === undefined) return value;
      return deserializeBatchResult<R>(JSON.stringify(value), batchErrorCodec);
    },
  };
}
