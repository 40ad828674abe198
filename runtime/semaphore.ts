/**
 * A counting semaphore for `maxConcurrency`.
 *
 * Waiters are served strictly first-in first-out and a free permit is taken synchronously, so
 * items of a batch start in index order: operation ids inside a map are minted in start order and
 * must not depend on which earlier item finished first.
 */
import { DurableError, ErrorCode } from "./errors.ts";
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  /** `permits` may be Infinity (no limit). */
  constructor(permits: number) {
    if (!(permits >= 1)) {
      throw new DurableError(ErrorCode.INVALID_ARGUMENT, `Semaphore needs at least 1 permit, got ${String(permits)}`);
    }
    this.available = permits;
  }

  /** Takes a permit if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.available > 0 && this.waiters.length === 0) {
      this.available--;
      return true;
    }
    return false;
  }

  /** Resolves once a permit is held; callers are served in call order. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Returns a permit, handing it straight to the oldest waiter if there is one. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }

  /** Free permits (Infinity when unlimited). */
  get free(): number {
    return this.available;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.waiters.length;
  }
}
