/**
 * The time policy of service calls: wraps any DurableExecutionClient so that no call outlives the
 * invocation. Each attempt gets a timeout derived from the invocation's remaining time
 * (getRemainingTimeInMillis, less a reserve to send the answer); a failure a retry can fix (429,
 * 5xx, network, a timed-out attempt) is retried with exponential backoff and full jitter while
 * time remains; after that the call fails with a coded, retryable CheckpointError (Lambda retries
 * the invocation). It never retries what a retry cannot fix: a stale token, another 4xx, a
 * client's EXECUTION-scoped error. It decides nothing else (classification: service-errors.ts).
 *
 * A timed-out attempt is abandoned, not aborted: a checkpoint it carried may still apply, and the
 * retry then meets a stale token, which ends the invocation retryably (the token makes it safe).
 */
import type { DurableExecutionClient } from "./client.ts";
import { CheckpointError, DurableError, messageOf } from "./durable-error.ts";
import { classifyServiceError } from "./service-errors.ts";

export interface CallPolicyOptions {
  /** The invocation's remaining time in ms (Lambda's context.getRemainingTimeInMillis). @default none known */
  remainingMs?: () => number;
  /** Kept back from the remaining time to answer the invocation. @default 2000 */
  reserveMs?: number;
  /** Longest single attempt. @default 55000 (the default LambdaClient's request timeout) */
  attemptMs?: number;
  /** The whole call's budget when the remaining time is unknown. @default 160000 (the official SDK gives up after about that) */
  budgetMs?: number;
  /** First backoff ceiling; doubles per retry up to maxBackoffMs. @default 100 */
  baseBackoffMs?: number;
  /** @default 5000 */
  maxBackoffMs?: number;
  /** @default Math.random */
  random?: () => number;
}

type Call = "checkpoint" | "getExecutionState";

/** `client` with every call bounded in time and retried as the header says. */
export function withCallPolicy(client: DurableExecutionClient, options: CallPolicyOptions = {}): DurableExecutionClient {
  const call = <T>(name: Call, attempt: () => Promise<T>): Promise<T> => bounded(name, attempt, options);
  return {
    checkpoint: (params, logger) => call("checkpoint", () => client.checkpoint(params, logger)),
    getExecutionState: (params, logger) => call("getExecutionState", () => client.getExecutionState(params, logger)),
    ...(client.replayOnly !== undefined && { replayOnly: client.replayOnly }),
  };
}

async function bounded<T>(name: Call, attempt: () => Promise<T>, options: CallPolicyOptions): Promise<T> {
  const { reserveMs = 2000, attemptMs = 55_000, budgetMs = 160_000, baseBackoffMs = 100, maxBackoffMs = 5000, random = Math.random } = options;
  const start = Date.now();
  const remaining = options.remainingMs?.();
  const deadline = start + (remaining === undefined || !Number.isFinite(remaining) ? budgetMs : Math.max(0, remaining - reserveMs));
  let attempts = 0;
  let last: unknown;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    attempts++;
    try {
      return await withTimeout(attempt(), Math.min(attemptMs, left), name);
    } catch (error) {
      last = error;
      if (!retryable(error)) throw error;
    }
    const backoff = random() * Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempts - 1));
    if (Date.now() + backoff >= deadline) break;
    await sleep(backoff);
  }
  throw new CheckpointError(
    `${name} gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${Date.now() - start} ms, ` +
      `keeping ${reserveMs} ms of the invocation to answer${attempts > 0 ? `; the last failure: ${messageOf(last)}` : ""}. The invocation is retried.`,
    "invocation",
    last,
  );
}

/** A retry can fix it: classified retryable, and not a stale token (only a new invocation gets a new one). */
function retryable(error: unknown): boolean {
  if (error instanceof AttemptTimeout) return true;
  if (DurableError.is(error)) return false;
  return classifyServiceError(error, "").fatal === "invocation" && !/invalid checkpoint token/i.test(messageOf(error)) &&
    !(error as { isDurableExecutionClientError?: boolean } | undefined)?.isDurableExecutionClientError;
}

class AttemptTimeout extends Error {
  override name = "TimeoutError";
}

function withTimeout<T>(call: Promise<T>, ms: number, name: Call): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(`${name} did not answer within ${Math.round(ms)} ms`)), ms);
  });
  // The abandoned attempt may still fail later: nobody awaits it any more.
  call.catch(() => {});
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
