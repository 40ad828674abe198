/**
 * The concurrent executor behind map and parallel: starts items in index order, at most
 * `maxConcurrency` at once, feeds each outcome into the completion counters, and settles the
 * batch the moment the counters say it is complete.
 *
 * It knows nothing of contexts or checkpoints: `runItem(index)` is handed in (map and parallel
 * open a child context there) and items are started synchronously, in index order, so ids minted
 * inside them never depend on completion order. Outcomes are handled in the official SDK's order:
 * the outcomes reported in one microtask round (through `report`, or else when the item's promise
 * settles) are counted in report order, each counted one's update is sent (`send`), then the items
 * those counts let start are started. So with maxConcurrency 3 and minSuccessful 2, three items
 * finishing together start the fourth after the first success and complete at the second: the
 * fourth is in the result as STARTED, and the third, which did not count, sends nothing (the
 * official SDK records it though its result says STARTED, its bugs #214 / #751). `onSettled` runs
 * synchronously at completion, after those starts. It never rejects for an item's failure.
 */
import { BatchItemStatus, BatchResult } from "./batch-result.ts";
import type { BatchItem } from "./batch-result.ts";
import { ExecutionCounters } from "./completion.ts";
import type { CompletionConfig } from "./completion.ts";
import type { ChildContextError } from "../context/errors.ts";

export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: Error };
/**
 * Reports an item's outcome. `send` (queueing the item's terminal update) runs when the outcome is
 * counted, and never for an outcome the batch does not count (it had completed).
 */
export type ReportOutcome<R> = (outcome: ItemOutcome<R>, send?: () => void) => void;

export interface ExecuteBatchOptions<R> {
  /** Number of items. */
  count: number;
  /** Items running at once; undefined = no limit. */
  maxConcurrency?: number;
  completionConfig?: CompletionConfig;
  /** Item names, for a custom `shouldComplete`. */
  names?: ReadonlyArray<string | undefined>;
  /** Starts item `index`; called synchronously, in index order, at most once per index. */
  runItem: (index: number, report: ReportOutcome<R>) => Promise<R>;
  /** Called synchronously when completion is decided, before the result promise settles. */
  onSettled?: () => void;
}

interface Reported<R> {
  index: number;
  outcome: ItemOutcome<R>;
  send: (() => void) | undefined;
}

export function executeBatch<R>(options: ExecuteBatchOptions<R>): Promise<BatchResult<R>> {
  const { count, runItem, onSettled } = options;
  const counters = new ExecutionCounters(count, options.completionConfig, options.names);
  const limit = options.maxConcurrency ?? Infinity;
  const items = new Array<BatchItem<R> | undefined>(count);
  const reported = new Array<boolean>(count).fill(false);
  let running = 0;
  let next = 0;
  /** Completion is decided: later outcomes do not count. */
  let closed = false;
  let round: Reported<R>[] = [];

  return new Promise<BatchResult<R>>((resolve) => {
    const finish = (): void => {
      closed = true;
      onSettled?.();
      const started = items.filter((i): i is BatchItem<R> => i !== undefined).map((i) => ({ ...i }));
      resolve(new BatchResult<R>(started, counters.completionReason()));
    };

    /** Marks the items that may start now as STARTED; `start` runs them. */
    const plan = (starts: number[]): void => {
      while (!closed && next < count && counters.shouldContinue() && running < limit) {
        running++;
        const index = next++;
        items[index] = { index, status: BatchItemStatus.STARTED };
        counters.start(index);
        starts.push(index);
      }
    };

    const start = (index: number): void => {
      let item: Promise<R>;
      try {
        item = runItem(index, (outcome, send) => report({ index, outcome, send }));
      } catch (error) {
        item = Promise.reject(error);
      }
      item.then(
        (value) => report({ index, outcome: { ok: true, value }, send: undefined }),
        (error: unknown) => report({ index, outcome: { ok: false, error: asError(error) }, send: undefined }),
      );
    };

    const report = (entry: Reported<R>): void => {
      if (reported[entry.index] || closed) return;
      reported[entry.index] = true;
      // A promise, not queueMicrotask: test fake timers fake that.
      if (round.length === 0) void Promise.resolve().then(countRound);
      round.push(entry);
    };

    /** Counts one round of outcomes in report order, sends the counted ones, then starts. */
    const countRound = (): void => {
      const outcomes = round;
      round = [];
      const starts: number[] = [];
      let complete = false;
      for (const { index, outcome, send } of outcomes) {
        if (complete) break; // reported after the deciding outcome: not part of the result
        items[index] = outcome.ok
          ? { result: outcome.value, index, status: BatchItemStatus.SUCCEEDED }
          : { error: outcome.error as ChildContextError, index, status: BatchItemStatus.FAILED };
        if (outcome.ok) counters.succeed(index);
        else counters.fail(index);
        running--;
        send?.();
        // complete includes "stop starting items" (tolerance, custom)
        if (counters.isComplete()) complete = true;
        else plan(starts);
      }
      for (const index of starts) start(index);
      if (complete) finish();
    };

    const initial: number[] = [];
    plan(initial);
    for (const index of initial) start(index);
    // Nothing started and nothing will (empty batch, or a custom decision that completes at once).
    if (counters.startedCount === 0) finish();
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
