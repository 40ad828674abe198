/**
 * Completion of a map / parallel batch, decided from counters alone.
 *
 * Owns: the completion config types, the counters (success, failure, completed, pending, failure
 * percentage) and the three decisions the concurrent executor asks for: may another item start,
 * is the batch complete, and why. Pure and synchronous; it never touches a context or a checkpoint.
 *
 * Semantics follow the official SDK 2.x so a batch completes at the same item on both runtimes:
 * an empty config (or none) is fail-fast, the tolerance check comes before ALL_COMPLETED, and a
 * custom `shouldComplete` owns the decision outright.
 */

export const CompletionReason = {
  ALL_COMPLETED: "ALL_COMPLETED",
  MIN_SUCCESSFUL_REACHED: "MIN_SUCCESSFUL_REACHED",
  FAILURE_TOLERANCE_EXCEEDED: "FAILURE_TOLERANCE_EXCEEDED",
  CUSTOM_COMPLETION_SUCCEEDED: "CUSTOM_COMPLETION_SUCCEEDED",
  CUSTOM_COMPLETION_FAILED: "CUSTOM_COMPLETION_FAILED",
} as const;
export type CompletionReason = (typeof CompletionReason)[keyof typeof CompletionReason];

export const CompletionOutcome = { SUCCEEDED: "SUCCEEDED", FAILED: "FAILED" } as const;
export type CompletionOutcome = (typeof CompletionOutcome)[keyof typeof CompletionOutcome];

export type CompletionDecision = { complete: false } | { complete: true; outcome: CompletionOutcome };

/** What a custom `shouldComplete` sees after each item finishes. */
export interface CompletionStatus {
  successCount: number;
  failureCount: number;
  completedCount: number;
  totalCount: number;
  items: Array<{ index: number; name?: string; status?: "SUCCEEDED" | "FAILED" | "STARTED" }>;
}

/**
 * Either thresholds or a custom predicate, never both. An empty object means fail-fast on the
 * first failure, the same as passing no config.
 */
export interface CompletionConfig {
  /** Complete as soon as this many items succeeded. */
  minSuccessful?: number;
  /** Complete (as a failure) once more than this many items failed. */
  toleratedFailureCount?: number;
  /** Complete (as a failure) once more than this percentage (0-100) of all items failed. */
  toleratedFailurePercentage?: number;
  /** Decides completion itself after every item; exclusive with the three thresholds. */
  shouldComplete?: (status: CompletionStatus) => CompletionDecision;
}

/** Keep going. @example `shouldComplete: (s) => s.successCount >= 2 ? completeBatch() : continueBatch()` */
export const continueBatch = (): CompletionDecision => ({ complete: false });
/** Complete now with the given outcome (default SUCCEEDED). */
export const completeBatch = (
  outcome: CompletionOutcome = CompletionOutcome.SUCCEEDED,
): CompletionDecision => ({ complete: true, outcome });

/** Why a completion config cannot be used, or undefined when it is valid. */
export function completionConfigProblem(config: CompletionConfig | undefined): string | undefined {
  if (config === undefined) return undefined;
  const { minSuccessful, toleratedFailureCount, toleratedFailurePercentage, shouldComplete } = config;
  if (
    shouldComplete !== undefined &&
    (minSuccessful !== undefined || toleratedFailureCount !== undefined || toleratedFailurePercentage !== undefined)
  ) {
    return "completionConfig.shouldComplete cannot be combined with minSuccessful, toleratedFailureCount or toleratedFailurePercentage: keep one of the two";
  }
  if (minSuccessful !== undefined && !(Number.isInteger(minSuccessful) && minSuccessful >= 0)) {
    return `completionConfig.minSuccessful must be a whole number >= 0, got ${String(minSuccessful)}`;
  }
  if (toleratedFailureCount !== undefined && !(Number.isInteger(toleratedFailureCount) && toleratedFailureCount >= 0)) {
    return `completionConfig.toleratedFailureCount must be a whole number >= 0, got ${String(toleratedFailureCount)}`;
  }
  if (
    toleratedFailurePercentage !== undefined &&
    !(typeof toleratedFailurePercentage === "number" && toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100)
  ) {
    return `completionConfig.toleratedFailurePercentage must be a number from 0 to 100, got ${String(toleratedFailurePercentage)}`;
  }
  return undefined;
}

type ItemState = "SUCCEEDED" | "FAILED" | "STARTED";

/**
 * The seed's ExecutionCounters: one per batch, fed by the executor as items finish.
 * `started` counts items handed to the executor; `pending` those not yet finished.
 */
export class ExecutionCounters {
  readonly totalCount: number;
  private readonly config: CompletionConfig | undefined;
  private readonly states: Array<ItemState | undefined>;
  private readonly names: Array<string | undefined>;
  successCount = 0;
  failureCount = 0;
  startedCount = 0;

  constructor(totalCount: number, config?: CompletionConfig, names?: ReadonlyArray<string | undefined>) {
    this.totalCount = totalCount;
    this.config = config;
    this.states = new Array<ItemState | undefined>(totalCount).fill(undefined);
    this.names = names ? [...names] : [];
  }

  get completedCount(): number {
    return this.successCount + this.failureCount;
  }
  get pendingCount(): number {
    return this.totalCount - this.completedCount;
  }
  /** Failed items as a share of all items, 0-100 (0 for an empty batch). */
  get failurePercentage(): number {
    return this.totalCount === 0 ? 0 : (this.failureCount / this.totalCount) * 100;
  }

  start(index: number): void {
    this.states[index] = "STARTED";
    this.startedCount++;
  }
  succeed(index: number): void {
    this.states[index] = "SUCCEEDED";
    this.successCount++;
  }
  fail(index: number): void {
    this.states[index] = "FAILED";
    this.failureCount++;
  }

  private status(): CompletionStatus {
    return {
      successCount: this.successCount,
      failureCount: this.failureCount,
      completedCount: this.completedCount,
      totalCount: this.totalCount,
      items: this.states.map((status, index) => {
        const name = this.names[index];
        return { index, ...(name !== undefined && { name }), ...(status !== undefined && { status }) };
      }),
    };
  }

  private hasThresholds(): boolean {
    const c = this.config;
    return (
      c !== undefined &&
      (c.minSuccessful !== undefined || c.toleratedFailureCount !== undefined || c.toleratedFailurePercentage !== undefined)
    );
  }

  /** True once failures went past what the config tolerates (fail-fast when it names no limit). */
  toleranceExceeded(): boolean {
    const c = this.config;
    if (c?.shouldComplete) return false;
    if (!this.hasThresholds()) return this.failureCount > 0;
    if (c!.toleratedFailureCount !== undefined && this.failureCount > c!.toleratedFailureCount) return true;
    if (c!.toleratedFailurePercentage !== undefined && this.failurePercentage > c!.toleratedFailurePercentage) return true;
    return false;
  }

  /** May the executor start another item? */
  shouldContinue(): boolean {
    const c = this.config;
    if (c?.shouldComplete) return !c.shouldComplete(this.status()).complete;
    return !this.toleranceExceeded();
  }

  /** Is the batch done (every item finished, or the config says stop)? */
  isComplete(): boolean {
    if (this.completedCount === this.totalCount) return true;
    const c = this.config;
    if (c?.shouldComplete) return c.shouldComplete(this.status()).complete;
    if (c?.minSuccessful !== undefined && this.successCount >= c.minSuccessful) return true;
    return this.toleranceExceeded();
  }

  /** Why the batch completed. Tolerance is checked before ALL_COMPLETED, as in the official SDK. */
  completionReason(): CompletionReason {
    const c = this.config;
    if (c?.shouldComplete) {
      const decision = c.shouldComplete(this.status());
      if (!decision.complete) return CompletionReason.ALL_COMPLETED;
      return decision.outcome === CompletionOutcome.FAILED
        ? CompletionReason.CUSTOM_COMPLETION_FAILED
        : CompletionReason.CUSTOM_COMPLETION_SUCCEEDED;
    }
    if (this.toleranceExceeded()) return CompletionReason.FAILURE_TOLERANCE_EXCEEDED;
    if (this.completedCount === this.totalCount) return CompletionReason.ALL_COMPLETED;
    if (c?.minSuccessful !== undefined && this.successCount >= c.minSuccessful) {
      return CompletionReason.MIN_SUCCESSFUL_REACHED;
    }
    return CompletionReason.ALL_COMPLETED;
  }
}
