/**
 * How an invocation ends besides the handler returning: suspension (PENDING) or a fatal error.
 * Suspension is decided here and only here: nothing executing (no step body running), the
 * checkpoint queue drained, and at least one operation really waiting (a wait, a retry timer, a
 * callback, an invoke). Every change that could make that true calls `recheck()`, which confirms
 * it after a macrotask so that user code resumed by the same settlement has run first.
 * Fatal errors never become PENDING.
 */
import { trace } from "../protocol/verbose.ts";
import { DurableError, messageOf } from "./errors.ts";

export type Termination =
  | { kind: "suspend"; reason: string }
  | { kind: "failed"; error: unknown }
  | { kind: "throw"; error: unknown };

// Captured at load: test fake timers (AWS's emulator with skipTime) slow a faked setImmediate to
// ~20 ms of real time, and our scheduling is not the user's clock.
const macrotask: (fn: () => void) => void = globalThis.setImmediate ?? ((fn) => setTimeout(fn, 0));

export class Lifecycle {
  private executing = 0;
  private waiting = 0;
  private ended: Termination | undefined;
  private scheduled = false;
  private resolveTermination!: (termination: Termination) => void;
  readonly termination: Promise<Termination>;
  /** True while checkpoints are queued or in flight; set by the execution. */
  busy: () => boolean = () => false;

  constructor() {
    this.termination = new Promise((resolve) => (this.resolveTermination = resolve));
  }

  get terminated(): Termination | undefined {
    return this.ended;
  }

  /** True while user work (a step body, a check, a submitter) runs. */
  get running(): boolean {
    return this.executing > 0;
  }

  /** Marks user work (a step body) as running; returns the idempotent end call. */
  beginExecuting(): () => void {
    this.executing++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.executing--;
      this.recheck();
    };
  }

  /** Marks an operation as really waiting on the service; returns the idempotent end call. */
  beginWaiting(): () => void {
    this.waiting++;
    this.recheck();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.waiting--;
    };
  }

  terminate(termination: Termination): void {
    if (this.ended) return;
    trace("invocation ends", () => ({ kind: termination.kind, reason: "reason" in termination ? termination.reason : messageOf(termination.error) }));
    this.ended = termination;
    this.resolveTermination(termination);
  }

  /** Ends the invocation for an error that must not reach user code. */
  fail(error: unknown): void {
    const fatal = DurableError.is(error) ? error.fatal : undefined;
    this.terminate(fatal === "invocation" ? { kind: "throw", error } : { kind: "failed", error });
  }

  recheck(): void {
    if (this.scheduled || this.ended || !this.canSuspend()) return;
    this.scheduled = true;
    macrotask(() => {
      this.scheduled = false;
      if (!this.ended && this.canSuspend()) this.terminate({ kind: "suspend", reason: "operation pending" });
    });
  }

  private canSuspend(): boolean {
    return this.waiting > 0 && this.executing === 0 && !this.busy();
  }
}
