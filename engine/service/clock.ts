/**
 * The engine's time. Real time by default; skipped time is real time plus an offset that jumps
 * forward to the next timer when nothing runs (the scheduler decides when), so every timer kind
 * (waits, retries, callback and heartbeat timeouts, execution timeouts, invocation backoff) is
 * skipped the same way, and time still moves at the real rate while handlers run.
 */
import { realNow } from "../host-timers.ts";

export interface Clock {
  readonly skipping: boolean;
  now(): number;
  /** Moves a skipped clock forward to `ms` (never back); a real clock ignores it. */
  jumpTo(ms: number): void;
}

export function realClock(): Clock {
  return { skipping: false, now: realNow, jumpTo: () => {} };
}

export function skippedClock(startAt?: number): Clock {
  let offset = startAt === undefined ? 0 : Math.max(0, startAt - realNow());
  return {
    skipping: true,
    now: () => realNow() + offset,
    jumpTo(ms) {
      const gap = ms - (realNow() + offset);
      if (gap > 0) offset += gap;
    },
  };
}
