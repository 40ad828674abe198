/**
 * The promise every durable operation returns. Phase 1 (checkpointing, replay lookup, running a
 * step) starts eagerly when the operation is called; phase 2 (waiting on the service) starts only
 * when the promise is first awaited or chained, which is what lets suspension count only the
 * waits somebody is actually waiting for. Phase-1 rejections are pre-caught, so an operation
 * created now and awaited later never raises an unhandled rejection.
 */
export class DurablePromise<T> implements Promise<T> {
  private promise: Promise<T> | undefined;
  private readonly awaitResult: () => Promise<T>;
  readonly [Symbol.toStringTag] = "DurablePromise";

  constructor(awaitResult: () => Promise<T>) {
    this.awaitResult = awaitResult;
  }

  /** True once something awaited or chained this promise. */
  get isAwaited(): boolean {
    return this.promise !== undefined;
  }

  /** The official SDK's name for `isAwaited`. */
  get isExecuted(): boolean {
    return this.isAwaited;
  }

  private start(): Promise<T> {
    this.promise ??= this.awaitResult();
    return this.promise;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.start().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.start().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.start().finally(onfinally);
  }
}

/** Starts phase 1 now and pre-catches it; see the module header. */
export function eager<T>(phase1: () => Promise<T>): Promise<T> {
  const promise = phase1();
  promise.catch(() => {});
  return promise;
}

/** A promise that never settles: what abandoned work (after termination, orphaned children) awaits. */
export function never<T = never>(): Promise<T> {
  return new Promise<T>(() => {});
}
