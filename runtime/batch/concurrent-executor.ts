/**
 * The concurrent executor behind map and parallel: starts items in index order, at most
 * `maxConcurrency` at once, feeds each outcome into the completion counters, and settles the
 * batch the moment the counters say it is complete.
 *
 * It knows nothing of contexts or checkpoints: `runItem(index)` is handed in (map and parallel
 * open a child context there) and is always called synchronously, in index order, so ids minted
 * inside it never depend on completion order. An item's outcome counts at the moment it is
 * reported: through `report` (synchronously, so the caller can checkpoint exactly the outcomes
 * that count, and nothing for an item reported after completion), or else when its promise
 * settles. `onSettled` runs synchronously at completion. It never rejects for an item's failure.
 */
import { BatchItemStatus, BatchResult } from "./batch-result.ts";
import type { BatchItem } from "./batch-result.ts";
import { ExecutionCounters } from "./completion.ts";
import type { CompletionConfig } from "./completion.ts";

export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: Error };
/** Reports an item's outcome now; true when it counts (the batch had not completed yet). */
export type ReportOutcome<R> = (outcome: ItemOutcome<R>) => boolean;

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

export function executeBatch<R>(options: ExecuteBatchOptions<R>): Promise<BatchResult<R>> {
  const { count, runItem, onSettled } = options;
  const counters = new ExecutionCounters(count, options.completionConfig, options.names);
  const limit = options.maxConcurrency ?? Infinity;
  let running = 0;
  const items = new Array<BatchItem<R> | undefined>(count);
  let next = 0;
  let done = false;

  return new Promise<BatchResult<R>>((resolve) => {
    const finish = (): void => {
      done = true;
      onSettled?.();
      const started = items.filter((i): i is BatchItem<R> => i !== undefined).map((i) => ({ ...i }));
      resolve(new BatchResult<R>(started, counters.completionReason()));
    };

    const reported = new Array<boolean>(count).fill(false);
    const settle = (index: number, outcome: ItemOutcome<R>): boolean => {
      if (reported[index]) return false;
      reported[index] = true;
      if (done) return false; // finished after the batch completed: not part of the result
      items[index] = outcome.ok
        ? { result: outcome.value, index, status: BatchItemStatus.SUCCEEDED }
        : { error: outcome.error, index, status: BatchItemStatus.FAILED };
      if (outcome.ok) counters.succeed(index);
      else counters.fail(index);
      running--;
      if (counters.isComplete()) finish(); // complete includes "stop starting items" (tolerance, custom)
      // Not inside the reporter's call stack. A promise, not queueMicrotask: test fake timers fake that.
      else void Promise.resolve().then(pump);
      return true;
    };

    const pump = (): void => {
      while (!done && next < count && counters.shouldContinue() && running < limit) {
        running++;
        const index = next++;
        items[index] = { index, status: BatchItemStatus.STARTED };
        counters.start(index);
        let item: Promise<R>;
        try {
          item = runItem(index, (outcome) => settle(index, outcome));
        } catch (error) {
          item = Promise.reject(error);
        }
        item.then(
          (value) => settle(index, { ok: true, value }),
          (error: unknown) => settle(index, { ok: false, error: asError(error) }),
        );
      }
    };

    pump();
    // Nothing started and nothing will (empty batch, or a custom decision that completes at once).
    if (counters.startedCount === 0) finish();
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
