import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchCompletionError, CallbackTimeoutError, ChildContextError } from "../runtime/context/errors.ts";
import {
  BatchResult, deserializeBatchResult, encodeItemStatuses, parseBatchSummary,
  serializeBatchResult, summarizeBatchResult,
} from "../runtime/batch/batch-result.ts";
import type { BatchItem, ErrorCodec } from "../runtime/batch/batch-result.ts";
import { CompletionReason } from "../runtime/batch/completion.ts";

// A plain codec: enough to show the payload keeps type, message and cause chain.
const codec: ErrorCodec = {
  toObject: (e) => ({
    ErrorType: e.name, ErrorMessage: e.message,
    ...(e.cause instanceof Error && { Cause: codec.toObject(e.cause) }),
  }),
  fromObject: (o) => {
    const e = new Error(o.ErrorMessage, o.Cause ? { cause: codec.fromObject(o.Cause) } : undefined);
    e.name = o.ErrorType ?? "Error";
    return e;
  },
};

const itemArb = fc.oneof(
  fc.record({ status: fc.constant("SUCCEEDED" as const), result: fc.jsonValue().filter((v) => v !== null) }),
  fc.record({ status: fc.constant("FAILED" as const), message: fc.string() }),
  fc.record({ status: fc.constant("STARTED" as const) }),
);
const batchArb = fc
  .tuple(fc.array(itemArb, { maxLength: 25 }), fc.constantFrom(...Object.values(CompletionReason)))
  .map(([raw, reason]) => {
    const all: BatchItem<unknown>[] = raw.map((r, index) => {
      if (r.status === "SUCCEEDED") return { index, status: r.status, result: r.result };
      if (r.status === "FAILED") {
        const error = new Error(r.message, { cause: new TypeError("root") });
        error.name = "ChildContextError";
        return { index, status: r.status, error: error as ChildContextError };
      }
      return { index, status: r.status };
    });
    return new BatchResult(all, reason);
  });

describe("BatchResult", () => {
  it("round-trips through its payload with items, statuses, reason and error chains intact", () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const back = deserializeBatchResult(serializeBatchResult(batch, codec), codec);
        expect(back.completionReason).toBe(batch.completionReason);
        expect(back.all.map((i) => [i.index, i.status])).toEqual(batch.all.map((i) => [i.index, i.status]));
        expect(back.getResults()).toEqual(JSON.parse(JSON.stringify(batch.getResults())));
        expect(back.getErrors().map((e) => [e.name, e.message, (e.cause as Error).name])).toEqual(
          batch.getErrors().map((e) => [e.name, e.message, "TypeError"]),
        );
        expect([back.successCount, back.failureCount, back.startedCount, back.totalCount, back.status]).toEqual([
          batch.successCount, batch.failureCount, batch.startedCount, batch.totalCount, batch.status,
        ]);
      }),
    );
  });

  it("keeps operation error classes and their causes through the runtime's error mapping", () => {
    const error = new ChildContextError("late", new CallbackTimeoutError("late"));
    const batch = new BatchResult<number>([{ index: 0, status: "FAILED", error }], "FAILURE_TOLERANCE_EXCEEDED");
    const payload = serializeBatchResult(batch);
    expect(JSON.parse(payload).all[0].error).toEqual({
      ErrorType: "ChildContextError", ErrorMessage: "late", Cause: { ErrorType: "CallbackTimeoutError", ErrorMessage: "late" },
    });
    const back = deserializeBatchResult(payload).getErrors()[0]!;
    expect(back).toBeInstanceOf(ChildContextError);
    expect(back.cause).toBeInstanceOf(CallbackTimeoutError);
  });

  it("writes the payload in the official SDK's shape and key order", () => {
    const batch = new BatchResult<number>(
      [{ index: 0, status: "SUCCEEDED", result: 2 }, { index: 1, status: "STARTED" }],
      "MIN_SUCCESSFUL_REACHED",
    );
    expect(serializeBatchResult(batch, codec)).toBe(
      '{"all":[{"result":2,"index":0,"status":"SUCCEEDED"},{"index":1,"status":"STARTED"}],"completionReason":"MIN_SUCCESSFUL_REACHED"}',
    );
  });

  it("counts, status, throwIfError and the queries agree", () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const statuses = batch.all.map((i) => i.status);
        expect(batch.successCount).toBe(statuses.filter((s) => s === "SUCCEEDED").length);
        expect(batch.failed().length).toBe(batch.failureCount);
        expect(batch.started().length).toBe(batch.startedCount);
        expect(batch.hasFailure).toBe(batch.failureCount > 0);
        const custom = batch.completionReason.startsWith("CUSTOM_");
        if (!custom) expect(batch.status).toBe(batch.hasFailure ? "FAILED" : "SUCCEEDED");
        if (batch.hasFailure) expect(() => batch.throwIfError()).toThrow(batch.failed()[0]!.error);
        else if (batch.status === "FAILED") expect(() => batch.throwIfError()).toThrow(BatchCompletionError);
        else expect(() => batch.throwIfError()).not.toThrow();
      }),
    );
  });

  it("summarises with counts and one status mark per item, and reads the summary back", () => {
    fc.assert(
      fc.property(batchArb, fc.constantFrom("map" as const, "parallel" as const), (batch, kind) => {
        const summary = JSON.parse(summarizeBatchResult(kind, batch));
        expect(summary.type).toBe(kind === "map" ? "MapResult" : "ParallelResult");
        expect([summary.totalCount, summary.successCount, summary.failureCount]).toEqual([
          batch.totalCount, batch.successCount, batch.failureCount,
        ]);
        expect("startedCount" in summary).toBe(kind === "parallel");
        expect(summary.itemStatuses).toBe(encodeItemStatuses(batch));
        expect(summary.itemStatuses).toBe(batch.all.map((i) => ({ SUCCEEDED: "S", FAILED: "F", STARTED: "-" })[i.status]).join(""));
        expect(parseBatchSummary(JSON.stringify(summary))).toEqual({
          completionReason: batch.completionReason,
          itemStatuses: summary.itemStatuses,
        });
      }),
    );
  });

  it("says what is wrong with a payload that is not a batch result", () => {
    expect(() => deserializeBatchResult('{"all":1}', codec)).toThrow(/must be \{"all"/);
    expect(() => deserializeBatchResult('{"all":[{"x":1}],"completionReason":"ALL_COMPLETED"}', codec)).toThrow(/Entry 0/);
    expect(parseBatchSummary('{"completionReason":"NOPE","itemStatuses":"S"}')).toBeUndefined();
    expect(parseBatchSummary("not json")).toBeUndefined();
  });
});
