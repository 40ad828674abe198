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
import { stringEnum } from "../protocol/string-enum.ts";

export const CompletionReason = stringEnum("ALL_COMPLETED", "MIN_SUCCESSFUL_REACHED", "FAILURE_TOLERANCE_EXCEEDED", "CUSTOM_COMPLETION_SUCCEEDED", "CUSTOM_COMPLETION_FAILED");
export type CompletionReason = (typeof CompletionReason)[keyof typeof CompletionReason];

export const CompletionOutcome = stringEnum("SUCCEEDED", "FAILED");
export type CompletionOutcome = (typeof CompletionOutcome)[keyof typeof CompletionOutcome];

/** Complete now (outcome SUCCEEDED when left out), or keep going. */
export type CompletionDecision = { complete: false } | { complete: true; outcome?: CompletionOutcome };

/** One item as a custom `shouldComplete` sees it; no status yet for an item not started. */
export interface CompletionItemStatus {
  index: number;
  name?: string;
  status?: "SUCCEEDED" | "FAILED" | "STARTED";
}

/** What a custom `shouldComplete` sees after each item finishes. */
export interface CompletionStatus {
  successCount: number;
  failureCount: number;
  completedCount: number;
  totalCount: number;
  items: readonly CompletionItemStatus[];
}

export interface ThresholdCompletionConfig {
  /** Complete as soon as this many items succeeded. */
  minSuccessful?: number;
  /** Complete (as a failure) once more than this many items failed. */
  toleratedFailureCount?: number;
  /** Complete (as a failure) once more than this percentage (0-100) of all items failed. */
  toleratedFailurePercentage?: number;
  shouldComplete?: never;
}

export interface CustomCompletionConfig {
  /** Decides completion itself after every item; exclusive with the three thresholds. */
  shouldComplete: (status: CompletionStatus) => CompletionDecision;
  minSuccessful?: never;
  toleratedFailureCount?: never;
  toleratedFailurePercentage?: never;
}

/**
 * Either thresholds or a custom predicate, never both. An empty object means fail-fast on the
 * first failure, the same as passing no config.
 */
export type CompletionConfig = ThresholdCompletionConfig | CustomCompletionConfig;

/** Keep going. @example `shouldComplete: (s) => s.successCount >= 2 ? completeBatch() : continueBatch()` */
export const continueBatch = (): CompletionDecision => ({ complete: false });
/** Complete now with the given outcome (default SUCCEEDED). */
export const completeBatch = (
  outcome: CompletionOutcome = CompletionOutcome.SUCCEEDED,
): CompletionDecision => ({ complete: true, outcome });

const THRESHOLDS = ["minSuccessful", "toleratedFailureCount", "toleratedFailurePercentage"] as const;

/** Why a completion config cannot be used, or undefined when it is valid. */
export function completionConfigProblem(config: CompletionConfig | undefined): string | undefined {
  if (config === undefined) return undefined;
  if (config.shouldComplete !== undefined && THRESHOLDS.some((key) => config[key] !== undefined)) {
    return "completionConfig.shouldComplete cannot be combined with minSuccessful, toleratedFailureCount or toleratedFailurePercentage: keep one of the two";
  }
  for (const key of THRESHOLDS) {
    const value = config[key];
    const percentage = key === "toleratedFailurePercentage";
    if (value !== undefined && !(typeof value === "number" && value >= 0 && (percentage ? value <= 100 : Number.isInteger(value)))) {
      return `completionConfig.${key} must be ${percentage ? "a number from 0 to 100" : "a whole number >= 0"}, got ${String(value)}`;
    }
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
  private readonly config: CompletionConfig;
  private readonly states: Array<ItemState | undefined>;
  private readonly names: ReadonlyArray<string | undefined>;
  successCount = 0;
  failureCount = 0;
  startedCount = 0;

  constructor(totalCount: number, config: CompletionConfig = {}, names: ReadonlyArray<string | undefined> = []) {
    this.totalCount = totalCount;
    this.config = config;
    this.states = new Array<ItemState | undefined>(totalCount);
    this.names = names;
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

  /** A custom `shouldComplete`'s decision now, or undefined when the config has thresholds. */
  private custom(): CompletionDecision | undefined {
    const { shouldComplete } = this.config;
    return shouldComplete?.({
      successCount: this.successCount,
      failureCount: this.failureCount,
      completedCount: this.completedCount,
      totalCount: this.totalCount,
      // Array.from, not map: an item never started is a hole that map would skip.
      items: Array.from(this.states, (status, index) => {
        const name = this.names[index];
        return { index, ...(name !== undefined && { name }), ...(status !== undefined && { status }) };
      }),
    });
  }

  /** True once failures went past what the config tolerates (fail-fast when it names no limit). */
  toleranceExceeded(): boolean {
    const { shouldComplete, toleratedFailureCount: count, toleratedFailurePercentage: percentage } = this.config;
    if (shouldComplete) return false;
    if (!THRESHOLDS.some((key) => this.config[key] !== undefined)) return this.failureCount > 0;
    return (count !== undefined && this.failureCount > count) || (percentage !== undefined && this.failurePercentage > percentage);
  }

  /** May the executor start another item? */
  shouldContinue(): boolean {
    const decision = this.custom();
    return decision ? !decision.complete : !this.toleranceExceeded();
  }

  /** Is the batch done (every item finished, or the config says stop)? */
  isComplete(): boolean {
    return this.completedCount === this.totalCount || this.decide() !== undefined;
  }

  /** Why the batch completed. */
  completionReason(): CompletionReason {
    return this.decide() ?? CompletionReason.ALL_COMPLETED;
  }

  /** The reason to complete now, if any. Tolerance comes before ALL_COMPLETED, as in the official SDK. */
  private decide(): CompletionReason | undefined {
    const decision = this.custom();
    if (decision) {
      if (decision.complete) return decision.outcome === CompletionOutcome.FAILED ? CompletionReason.CUSTOM_COMPLETION_FAILED : CompletionReason.CUSTOM_COMPLETION_SUCCEEDED;
    } else if (this.toleranceExceeded()) return CompletionReason.FAILURE_TOLERANCE_EXCEEDED;
    if (this.completedCount === this.totalCount) return CompletionReason.ALL_COMPLETED;
    const min = this.config.minSuccessful;
    return !decision && min !== undefined && this.successCount >= min ? CompletionReason.MIN_SUCCESSFUL_REACHED : undefined;
  }
}
