/**
 * Polling an awaited operation while other work runs, as the official SDK 2.4 does. A wait, a
 * retry timer, a callback or an invoke that ends while a step body still runs elsewhere (another
 * parallel branch or map item) is seen by asking the service with empty checkpoints, so the
 * invocation carries on instead of noticing only when the step ends. Cadence as the official SDK:
 * the first poll at the operation's end time (ScheduledEndTimestamp / NextAttemptTimestamp) or
 * after 1 s, then 1 s, 2 s, ... up to 10 s apart (60 s after 95 polls); none armed beyond the
 * invocation's remaining time less 1 s. Unlike the official SDK, a poll is sent only while user
 * work runs: with nothing running the invocation suspends by itself (lifecycle.ts), so a poll
 * could only delay that, and a sequential handler's checkpoints stay exactly what they were.
 * It never settles anything itself: the response's operations wake the waiter through the state.
 */
import type { Execution } from "./execution.ts";

const MIN_REMAINING_MS = 1000;
const FIRST_DELAY_MS = 1000;
const CEILING_MS = 10_000;
const EXTENDED_CEILING_MS = 60_000;
const POLLS_BEFORE_EXTENDED = 95;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Starts polling for the operation with this hashed id; returns the idempotent stop. */
export function pollWhileWaiting(execution: Execution, id: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polls = 0;
  let stopped = false;
  const lambda = execution.lambdaContext as { getRemainingTimeInMillis?: () => number } | undefined;
  const remaining = (): number => lambda?.getRemainingTimeInMillis?.() ?? Infinity;
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
  };
  const arm = (delay: number): void => {
    if (stopped || delay > Math.min(remaining() - MIN_REMAINING_MS, MAX_TIMER_MS)) return;
    // The global timer at call time, on purpose: under AWS's emulator (skipTime) it is the fake
    // one, which the emulator advances to a wait's end exactly as it does the official SDK's.
    timer = setTimeout(() => void fire(), delay);
    (timer as { unref?: () => void }).unref?.();
  };
  const fire = async (): Promise<void> => {
    if (stopped || execution.lifecycle.terminated || remaining() < MIN_REMAINING_MS) return;
    if (execution.lifecycle.running) await execution.batcher.poll();
    polls++;
    arm(Math.min(polls * 1000, polls > POLLS_BEFORE_EXTENDED ? EXTENDED_CEILING_MS : CEILING_MS));
  };
  void execution.lifecycle.termination.then(stop);
  const op = execution.state.get(id);
  const due = new Date((op?.WaitDetails?.ScheduledEndTimestamp ?? op?.StepDetails?.NextAttemptTimestamp ?? NaN) as never).getTime();
  arm(Number.isNaN(due) ? FIRST_DELAY_MS : Math.max(0, due - Date.now()));
  return stop;
}
