/**
 * The result of a map or parallel: one entry per started item, in index order.
 *
 * Owns: `BatchResult` and its queries, its serialised form (the CONTEXT payload of the Map /
 * Parallel operation, byte-compatible with the official SDK 2.x) and the summary written instead
 * when that payload is over the per-operation limit. It never throws for an item's failure; the
 * caller asks (`throwIfError()`, `failed()`, `status`). Item errors keep their cause chain in the
 * payload (`Cause`), as the official SDK writes it.
 */
import { stringEnum } from "../protocol/string-enum.ts";
import { CompletionReason } from "./completion.ts";
import type { CompletionReason as CompletionReasonType } from "./completion.ts";
import { BatchCompletionError, DurableError, ErrorCode, fromErrorObject, toErrorObject } from "../context/errors.ts";
import type { ChildContextError } from "../context/errors.ts";

export const BatchItemStatus = stringEnum("SUCCEEDED", "FAILED", "STARTED");
export type BatchItemStatus = (typeof BatchItemStatus)[keyof typeof BatchItemStatus];

export interface BatchItem<R> {
  index: number;
  status: BatchItemStatus;
  result?: R;
  /** A ChildContextError around the item's recorded error. */
  error?: ChildContextError;
}

/** The wire ErrorObject, with the cause chain a batch keeps for each failed item. */
export interface SerializedBatchError {
  ErrorType?: string;
  ErrorMessage?: string;
  ErrorData?: string;
  StackTrace?: string[];
  Cause?: SerializedBatchError;
}

export interface ErrorCodec {
  toObject(error: Error): SerializedBatchError;
  fromObject(object: SerializedBatchError): Error;
}

/** ErrorObjects with the cause chain, through the runtime's one error mapping. */
export const batchErrorCodec: ErrorCodec = {
  toObject(error) {
    const object: SerializedBatchError = { ...toErrorObject(error) };
    if (error.cause instanceof Error) object.Cause = batchErrorCodec.toObject(error.cause);
    return object;
  },
  fromObject(object) {
    const error = fromErrorObject(object);
    if (object.Cause) Object.defineProperty(error, "cause", { value: batchErrorCodec.fromObject(object.Cause), writable: true, configurable: true });
    return error;
  },
};

export class BatchResult<R> {
  readonly all: Array<BatchItem<R>>;
  readonly completionReason: CompletionReasonType;

  constructor(all: ReadonlyArray<BatchItem<R>>, completionReason: CompletionReasonType) {
    this.all = [...all];
    this.completionReason = completionReason;
  }

  /** Items that succeeded (with a result). */
  succeeded(): Array<BatchItem<R> & { result: R }> {
    return this.all.filter(
      (i): i is BatchItem<R> & { result: R } => i.status === BatchItemStatus.SUCCEEDED && i.result !== undefined,
    );
  }
  /** Items that failed (with an error). */
  failed(): Array<BatchItem<R> & { error: ChildContextError }> {
    return this.all.filter(
      (i): i is BatchItem<R> & { error: ChildContextError } => i.status === BatchItemStatus.FAILED && i.error !== undefined,
    );
  }
  /** Items still running when the batch completed early. */
  started(): Array<BatchItem<R> & { status: "STARTED" }> {
    return this.all.filter((i): i is BatchItem<R> & { status: "STARTED" } => i.status === BatchItemStatus.STARTED);
  }

  get successCount(): number {
    return this.count(BatchItemStatus.SUCCEEDED);
  }
  get failureCount(): number {
    return this.count(BatchItemStatus.FAILED);
  }
  get startedCount(): number {
    return this.count(BatchItemStatus.STARTED);
  }
  get totalCount(): number {
    return this.all.length;
  }
  get hasFailure(): boolean {
    return this.failureCount > 0;
  }

  /** A custom decision is authoritative; otherwise any failed item fails the batch. */
  get status(): "SUCCEEDED" | "FAILED" {
    if (this.completionReason === CompletionReason.CUSTOM_COMPLETION_FAILED) return BatchItemStatus.FAILED;
    if (this.completionReason === CompletionReason.CUSTOM_COMPLETION_SUCCEEDED) return BatchItemStatus.SUCCEEDED;
    return this.hasFailure ? BatchItemStatus.FAILED : BatchItemStatus.SUCCEEDED;
  }

  /** Throws the first failed item's error (by index), or BatchCompletionError for a failed custom decision. */
  throwIfError(): void {
    const first = this.all.find((i) => i.status === BatchItemStatus.FAILED);
    if (first?.error) throw first.error;
    if (this.status === BatchItemStatus.FAILED) {
      throw new BatchCompletionError(
        this.completionReason,
        `The batch completed as failed by its shouldComplete decision (${this.completionReason}) although no item failed; inspect result.all to see which items ran`,
      );
    }
  }

  getResults(): R[] {
    return this.succeeded().map((i) => i.result);
  }
  getErrors(): ChildContextError[] {
    return this.failed().map((i) => i.error);
  }

  private count(status: BatchItemStatus): number {
    let n = 0;
    for (const item of this.all) if (item.status === status) n++;
    return n;
  }
}

/** The CONTEXT payload of a Map / Parallel operation. Key order matches the official SDK. */
export function serializeBatchResult<R>(result: BatchResult<R>, codec: ErrorCodec = batchErrorCodec): string {
  return JSON.stringify(batchResultRecord(result, codec));
}

/** The payload's record before it is written (compiled code writes it with its own serdes). */
export function batchResultRecord<R>(result: BatchResult<R>, codec: ErrorCodec = batchErrorCodec): { all: unknown[]; completionReason: string } {
  const all = result.all.map((item) => {
    if (item.status === BatchItemStatus.FAILED && item.error) {
      return { error: codec.toObject(item.error), index: item.index, status: item.status };
    }
    if (item.status === BatchItemStatus.SUCCEEDED) {
      return { result: item.result, index: item.index, status: item.status };
    }
    return { index: item.index, status: item.status };
  });
  return { all, completionReason: result.completionReason };
}

const REASONS = new Set<string>(Object.values(CompletionReason));
const STATUSES = new Set<string>(Object.values(BatchItemStatus));

/** Rebuilds a BatchResult from its payload (or its record, already `parsed`); says what is wrong instead of guessing. */
export function deserializeBatchResult<R>(payload: string, codec: ErrorCodec = batchErrorCodec, parsed: unknown = JSON.parse(payload)): BatchResult<R> {
  if (!isRecord(parsed) || !Array.isArray(parsed["all"]) || !REASONS.has(String(parsed["completionReason"]))) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, 
      `A map/parallel result payload must be {"all":[...],"completionReason":...}; got ${payload.slice(0, 120)}`,
    );
  }
  const items = (parsed["all"] as unknown[]).map((raw, position): BatchItem<R> => {
    if (!isRecord(raw) || typeof raw["index"] !== "number" || !STATUSES.has(String(raw["status"]))) {
      throw new DurableError(ErrorCode.INVALID_ARGUMENT, `Entry ${position} of a map/parallel result payload is not {index, status}: ${JSON.stringify(raw)}`);
    }
    const item: BatchItem<R> = { index: raw["index"], status: raw["status"] as BatchItemStatus };
    if ("result" in raw) item.result = raw["result"] as R;
    if (isRecord(raw["error"])) item.error = codec.fromObject(raw["error"] as SerializedBatchError) as ChildContextError;
    return item;
  });
  return new BatchResult<R>(items, parsed["completionReason"] as CompletionReasonType);
}

const STATUS_MARK = { SUCCEEDED: "S", FAILED: "F", STARTED: "-" } as const;

/** One character per item up to the highest started index: S succeeded, F failed, - neither. */
export function encodeItemStatuses(result: BatchResult<unknown>): string {
  let max = -1;
  for (const item of result.all) if (item.index > max) max = item.index;
  const marks = new Array<string>(max + 1).fill("-");
  for (const item of result.all) marks[item.index] = STATUS_MARK[item.status];
  return marks.join("");
}

export type BatchKind = "map" | "parallel";

/**
 * What is checkpointed instead of the payload when it is over the limit. Replay then re-drives the
 * items marked S / F from their own checkpoints. Shape and key order as in the official SDK.
 */
export function summarizeBatchResult(kind: BatchKind, result: BatchResult<unknown>, custom?: string): string {
  const record: Record<string, unknown> = {
    type: kind === "map" ? "MapResult" : "ParallelResult",
    totalCount: result.totalCount,
    successCount: result.successCount,
    failureCount: result.failureCount,
    ...(kind === "parallel" && { startedCount: result.startedCount }),
    completionReason: result.completionReason,
    status: result.status,
    itemStatuses: encodeItemStatuses(result),
  };
  if (custom !== undefined) record["summary"] = custom;
  return JSON.stringify(record);
}

/** Reads back a summary: the recorded reason and item marks, or undefined when it is not one. */
export function parseBatchSummary(
  payload: string | undefined,
): { completionReason: CompletionReasonType; itemStatuses: string } | undefined {
  if (!payload) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const reason = parsed["completionReason"];
  const marks = parsed["itemStatuses"];
  if (typeof reason !== "string" || !REASONS.has(reason)) return undefined;
  if (typeof marks !== "string" || !/^[SF-]*$/.test(marks)) return undefined;
  return { completionReason: reason as CompletionReasonType, itemStatuses: marks };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
