/**
 * Decides what runs next: fires due timers, starts invocations of ready executions while their
 * function has room (its concurrency), runs plain chained calls, arms one real timer for the next
 * due one, and, on a skipped clock, jumps to the next timer once nothing has run for two turns of
 * the event loop. Every outcome goes back through the service; the scheduler holds no state a
 * restart would need.
 */
import type { ChainedRecord, TimerRecord } from "../store/store.ts";
import { messageOf } from "../engine-error.ts";
import type { Committed } from "../service/transaction.ts";
import type { DurableService } from "../service/service.ts";
import { newInvocationId } from "../service/tokens.ts";
import { explainNonDeterminism } from "./call-sites.ts";
import type { FunctionRegistry, RegisteredFunction } from "./functions.ts";
import type { InvocationResult, Invoker } from "./invoker.ts";
import { realClearImmediate, realClearTimeout, realSetImmediate, realSetTimeout } from "../host-timers.ts";

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SchedulerEvents {
  /** A clock jump on a skipped clock: persisted so a restart resumes the virtual time. */
  onJump?(nowMs: number): void;
  /** Errors the scheduler could not hand to an execution (a bug, or a store failure). */
  onError?(error: unknown): void;
}

export class Scheduler {
  private readonly service: DurableService;
  private readonly functions: FunctionRegistry;
  private readonly invokerFor: (fn: RegisteredFunction) => Invoker;
  private readonly events: SchedulerEvents;
  private readonly running = new Map<string, number>();
  private plainRunning = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private idleCheck: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly unsubscribe: () => void;

  constructor(service: DurableService, functions: FunctionRegistry, invokerFor: (fn: RegisteredFunction) => Invoker, events: SchedulerEvents = {}) {
    this.service = service;
    this.functions = functions;
    this.invokerFor = invokerFor;
    this.events = events;
    this.unsubscribe = service.onCommit((committed) => this.onCommit(committed));
  }

  /** Picks up what a previous engine left: interrupted invocations, open plain calls, due timers. */
  start(): void {
    for (const call of this.service.recover()) this.callPlain(call);
    this.wake();
  }

  /** Running invocations and plain calls: what "nothing runs" means for the skipped clock. */
  get busy(): boolean {
    return this.plainRunning > 0 || [...this.running.values()].some((n) => n > 0);
  }

  wake(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    realSetImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    realClearTimeout(this.timer);
    if (this.idleCheck) realClearImmediate(this.idleCheck);
    await Promise.allSettled([...this.inFlight]);
  }

  private onCommit(committed: Committed): void {
    for (const call of committed.plainCalls) this.callPlain(call);
    if (committed.timersChanged || committed.changes.some((c) => c.execution.ready === 1 || c.execution.status !== "RUNNING")) this.wake();
  }

  private pump(): void {
    if (this.closed) return;
    try {
      this.service.fireDueTimers();
      this.startReady();
      this.armTimer(this.service.nextTimer());
    } catch (error) {
      this.events.onError?.(error);
    }
  }

  private startReady(): void {
    for (const fn of this.functions.all()) {
      if (!fn.durable) continue;
      const room = fn.concurrency - (this.running.get(fn.name) ?? 0);
      if (room <= 0) continue;
      for (const record of this.service.readyExecutions(room, fn.name)) this.launch(fn, record.arn);
    }
  }

  private launch(fn: RegisteredFunction, arn: string): void {
    const invocationId = newInvocationId();
    const start = this.service.beginInvocation(arn, invocationId);
    if (!start) return;
    this.running.set(fn.name, (this.running.get(fn.name) ?? 0) + 1);
    const run = this.invokerFor(fn)
      .invoke(fn, start)
      .catch((error: unknown): InvocationResult => ({ failure: { ErrorType: "EngineError", ErrorMessage: messageOf(error) } }))
      .then((result) => {
        this.running.set(fn.name, (this.running.get(fn.name) ?? 1) - 1);
        if (!this.closed) this.service.endInvocation(arn, invocationId, this.explain(fn, result));
      })
      .catch((error: unknown) => this.events.onError?.(error))
      .finally(() => {
        this.inFlight.delete(run);
        this.wake();
      });
    this.inFlight.add(run);
  }

  /** A non-determinism failure gets the two call sites when the builds' manifests are known. */
  private explain(fn: RegisteredFunction, result: InvocationResult): InvocationResult {
    if (!("output" in result)) return result;
    const output = result.output as { Status?: string; Error?: { ErrorType?: string } } | null;
    if (output?.Status !== "FAILED" || output.Error?.ErrorType !== "NonDeterministicExecutionError") return result;
    const earlier = this.functions.earlier(fn.name).map((f) => f.manifest);
    const durableName = "bundle" in fn.code ? fn.code.export : undefined;
    return { output: { ...output, Error: explainNonDeterminism(output.Error, fn.manifest, earlier, durableName) } };
  }

  private callPlain(call: ChainedRecord): void {
    const fn = this.functions.get(call.functionName);
    if (!fn) {
      this.service.completePlainCall(call, { error: { ErrorType: "ResourceNotFoundException", ErrorMessage: `Function not found: ${call.functionName}` } });
      return;
    }
    this.plainRunning++;
    const run = this.invokerFor(fn)
      .callPlain(fn, call.payload, newInvocationId())
      .then((outcome) => {
        if (!this.closed) this.service.completePlainCall(call, outcome);
      })
      .catch((error: unknown) => this.events.onError?.(error))
      .finally(() => {
        this.plainRunning--;
        this.inFlight.delete(run);
        this.wake();
      });
    this.inFlight.add(run);
  }

  private armTimer(next: TimerRecord | undefined): void {
    realClearTimeout(this.timer);
    this.timer = undefined;
    if (!next) return;
    const clock = this.service.clock;
    const delay = Math.max(0, next.dueMs - clock.now());
    this.timer = realSetTimeout(() => this.wake(), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
    if (clock.skipping && delay > 0) this.checkIdle(next, 2);
  }

  /** On a skipped clock: when nothing has run for `turns` turns of the event loop, jump to the timer. */
  private checkIdle(next: TimerRecord, turns: number): void {
    if (this.idleCheck) realClearImmediate(this.idleCheck);
    this.idleCheck = realSetImmediate(() => {
      this.idleCheck = undefined;
      if (this.closed || this.busy || this.scheduled || this.service.readyExecutions(100).some((e) => this.functions.get(e.functionName))) return;
      if (turns > 1) return this.checkIdle(next, turns - 1);
      const current = this.service.nextTimer();
      if (!current || current.dueMs !== next.dueMs) return this.wake();
      this.service.clock.jumpTo(current.dueMs);
      this.events.onJump?.(current.dueMs);
      this.pump();
    });
  }
}
