/**
 * The checkpoint batcher. Everything enqueued in the same tick goes in one request (flushed on
 * process.nextTick, never setImmediate); one request in flight at a time; a request holds at
 * most 250 updates and ~750 KiB, and an EXECUTION update is always the last of its request. The
 * token rotates from each response and the response's operations are merged into the state
 * before any waiter resumes. On failure (or a malformed response) every queued and in-flight
 * promise rejects. A response without a token closes checkpointing: later updates reject with
 * CHECKPOINT_CLOSED, and mid-run (no EXECUTION update sent) it ends the invocation, retryably.
 * `poll()` asks for a request even with nothing queued (an empty checkpoint: how the service is
 * asked what changed); it rides on the next request when updates are queued.
 *
 * A held update (an at-least-once step's START) takes its place in the queue like any other, so the
 * order of updates, and with it the history, is unchanged, but does not itself start a request: it
 * goes with the next update that does (typically the step's own SUCCEED, FAIL or RETRY, one request
 * instead of two), or when HOLD_MS have passed, so a long step still shows as running.
 */
import type { DurableExecutionClient } from "./client.ts";
import { CheckpointError, DurableError, ErrorCode, jsonBytes } from "./durable-error.ts";
import { classifyServiceError } from "./service-errors.ts";
import type { ExecutionState } from "./execution-state.ts";
import { trace } from "./verbose.ts";
import type { Operation, OperationUpdate } from "./wire.ts";
import { Limits, OperationType } from "./wire.ts";

// Captured at load: AWS's emulator (skipTime) fakes process.nextTick along with the timers.
const nextTick: (fn: () => void) => void = process.nextTick.bind(process);
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** How long a held update may wait for company before it is sent alone. */
export const HOLD_MS = 20;

interface Queued {
  update: OperationUpdate;
  held: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface CheckpointBatcherOptions {
  client: DurableExecutionClient;
  arn: string;
  token: string;
  state: ExecutionState;
  /** A request failed (or its response cannot be used): the invocation must end with this error. */
  onFailure: (error: DurableError) => void;
  /** Checkpointing was closed by a response without a token; `terminal` if we asked for it. */
  onClosed: (terminal: boolean) => void;
  /** The queue drained and nothing is in flight. */
  onIdle: () => void;
  maxItems?: number;
  maxBytes?: number;
}

export class CheckpointBatcher {
  private readonly options: CheckpointBatcherOptions;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private queue: Queued[] = [];
  private inFlight: Queued[] | undefined;
  private scheduled = false;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private holdCheck = false;
  private token: string | undefined;
  private failure: unknown;
  private stopped = false;
  private drainWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private polls: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Requests sent so far; tests and the bench read it. */
  requests = 0;

  constructor(options: CheckpointBatcherOptions) {
    this.options = options;
    this.token = options.token;
    this.maxItems = options.maxItems ?? Limits.CHECKPOINT_BATCH_ITEMS;
    this.maxBytes = options.maxBytes ?? Limits.CHECKPOINT_BATCH_BYTES;
  }

  get idle(): boolean {
    return this.inFlight === undefined && this.queue.length === 0 && this.polls.length === 0;
  }

  get closed(): boolean {
    return this.token === undefined;
  }

  /** `hold`: send it with the next update that goes, or after HOLD_MS (see the header). */
  enqueue(update: OperationUpdate, hold = false): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.token === undefined) return Promise.reject(closedError(update));
    if (this.stopped) return new Promise<void>(() => {});
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ update, held: hold, resolve, reject });
      if (!hold) this.schedule();
      else if (!this.holdCheck) {
        // Armed after this tick, and only if nothing is about to carry it: a step that ends in
        // microtasks never pays for a timer (about 12% of a step's instructions, valgrind).
        this.holdCheck = true;
        nextTick(() => {
          this.holdCheck = false;
          if (!this.scheduled && this.queue.some((q) => q.held)) this.holdUntilDue();
        });
      }
    });
  }

  /** Resolves once a request sent after this call has completed (its operations merged). */
  poll(): Promise<void> {
    if (this.failure !== undefined || this.token === undefined || this.stopped) return new Promise<void>(() => {});
    return new Promise<void>((resolve, reject) => {
      this.polls.push({ resolve, reject });
      this.schedule();
    });
  }

  /**
   * Stops sending: the invocation has answered. Queued updates are dropped (their promises never
   * settle, like any abandoned work), so nothing reaches the service after the output.
   */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.clearHold();
    this.polls = [];
  }

  /** Resolves once everything enqueued so far has been sent; rejects if checkpointing failed. */
  drain(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.idle) return Promise.resolve();
    this.schedule(); // someone waits for everything: held updates go now
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  private holdUntilDue(): void {
    if (this.holdTimer !== undefined) return;
    this.holdTimer = realSetTimeout(() => {
      this.holdTimer = undefined;
      for (const q of this.queue) q.held = false; // due: sent with the next request, even if one is in flight now
      this.schedule();
    }, HOLD_MS);
    this.holdTimer.unref?.();
  }

  private clearHold(): void {
    if (this.holdTimer !== undefined) realClearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    nextTick(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private takeBatch(): Queued[] {
    let count = 0;
    let bytes = (this.token?.length ?? 0) + 100;
    while (count < this.queue.length && count < this.maxItems) {
      const update = this.queue[count]!.update;
      bytes += jsonBytes(update) + 1; // and the comma between updates
      if (count > 0 && bytes > this.maxBytes) break;
      count++;
      if (update.Type === OperationType.EXECUTION) break;
    }
    return this.queue.splice(0, count);
  }

  private async flush(): Promise<void> {
    if (this.inFlight || (this.queue.length === 0 && this.polls.length === 0) || this.failure !== undefined || this.stopped) return;
    const batch = this.takeBatch();
    if (!this.queue.some((q) => q.held)) this.clearHold();
    const polls = this.polls;
    this.polls = [];
    this.inFlight = batch;
    this.requests++;
    trace("checkpoint", () => ({ updates: batch.map((item) => `${item.update.Type} ${item.update.Action} ${item.update.Id}`), polls: polls.length }));
    let response;
    try {
      response = await this.options.client.checkpoint({
        DurableExecutionArn: this.options.arn,
        CheckpointToken: this.token!,
        Updates: batch.map((item) => item.update),
      });
      this.options.state.merge(response?.NewExecutionState?.Operations as Operation[] | undefined, "the checkpoint response's NewExecutionState.Operations");
    } catch (error) {
      this.polls.push(...polls);
      this.fail(DurableError.is(error) ? error : classifyCheckpointError(error, batch.map((item) => item.update)));
      return;
    }
    this.token = response?.CheckpointToken || undefined;
    const terminal = batch.some((item) => item.update.Type === OperationType.EXECUTION);
    // Mid-run, the state this invocation holds is no longer the service's: end it, retryably,
    // before any waiter resumes (an at-least-once step would run its next body first).
    if (this.token === undefined && !terminal) {
      this.polls.push(...polls);
      return this.fail(closedMidRun(batch.map((item) => item.update)));
    }
    this.inFlight = undefined;
    for (const item of [...batch, ...polls]) item.resolve();
    if (this.token === undefined) {
      for (const item of this.queue) item.reject(closedError(item.update));
      this.queue = [];
      this.polls = []; // nothing more can be asked: they never settle, like abandoned work
      this.options.onClosed(terminal);
    }
    if (this.queue.some((q) => !q.held) || this.polls.length > 0 || (this.queue.length > 0 && this.drainWaiters.length > 0)) {
      this.schedule();
      return;
    }
    if (this.queue.length > 0) {
      this.holdUntilDue(); // only held updates are left: they wait for company, or for their time
      return;
    }
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
    this.options.onIdle();
  }

  private fail(error: DurableError): void {
    trace("checkpoint failed", () => ({ message: error.message, fatal: error.fatal }));
    this.failure = error;
    this.clearHold();
    const pending = [...(this.inFlight ?? []), ...this.queue, ...this.polls];
    this.inFlight = undefined;
    this.queue = [];
    this.polls = [];
    for (const item of pending) item.reject(error);
    for (const waiter of this.drainWaiters) waiter.reject(error);
    this.drainWaiters = [];
    this.options.onFailure(error);
  }
}

/**
 * The service sends no token only after the execution ended (protocol notes: after a terminal
 * EXECUTION update). Answering PENDING would leave nothing pending, which the service rejects; a
 * retried invocation either finds the execution ended (and is not invoked again) or replays it with
 * a fresh token.
 */
function closedMidRun(updates: readonly OperationUpdate[]): DurableError {
  return new DurableError(
    ErrorCode.CHECKPOINT_CLOSED,
    `The service answered a checkpoint (${describeUpdates(updates)}) without a CheckpointToken mid-run, as it does once an ` +
      `execution ended (stopped, timed out). The invocation is retried: a running execution replays with a fresh token.`,
    { fatal: "invocation", name: "CheckpointError" },
  );
}

function closedError(update: OperationUpdate): DurableError {
  return new DurableError(
    ErrorCode.CHECKPOINT_CLOSED,
    `Checkpointing is closed (the service returned no checkpoint token); the ${update.Type} ${update.Action} ` +
      `update for operation ${update.Id} was not sent. This happens after the execution has ended.`,
  );
}

/** A failed checkpoint request, named by the updates it carried. */
export function classifyCheckpointError(error: unknown, updates: readonly OperationUpdate[] = []): CheckpointError {
  return classifyServiceError(error, `Checkpoint request${updates.length > 0 ? ` (${describeUpdates(updates)})` : ""}`);
}

/** The first updates of a request as errors name them: `STEP SUCCEED "charge" (#1a2b...), 3 more`. */
export function describeUpdates(updates: readonly OperationUpdate[]): string {
  const shown = updates.slice(0, 2).map((u) => `${u.Type} ${u.Action} ${u.Name === undefined ? u.Id : `${JSON.stringify(u.Name)} (${u.Id})`}`);
  return shown.join(", ") + (updates.length > 2 ? `, ${updates.length - 2} more` : "");
}
