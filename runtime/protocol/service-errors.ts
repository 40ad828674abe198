/**
 * What a failed service call means for the invocation. A client's own DurableExecutionClientError
 * scope is believed first. Otherwise stale token, throttling, 5xx and network errors are retryable
 * (thrown, so Lambda retries the invocation); any other 4xx, and KMS key errors (a customer's
 * misconfiguration, sent as 502), are permanent and fail the execution. Shared by the checkpoint
 * batcher and state loading; it never retries itself.
 */
import { isDurableExecutionClientError } from "./client-error.ts";
import { CheckpointError, messageOf } from "./durable-error.ts";

/** `where` says which call failed ("Checkpoint request (STEP START \"charge\")"). */
export function classifyServiceError(error: unknown, where: string): CheckpointError {
  const e = error as { name?: string; statusCode?: number; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode ?? e?.statusCode ?? e?.$response?.statusCode;
  const message = messageOf(error);
  const failed = `${where} failed${status ? ` (HTTP ${status})` : ""}: ${message}`;
  if (isDurableExecutionClientError(error)) {
    const execution = error.scope === "EXECUTION";
    return new CheckpointError(`${failed}. The client says ${execution ? "the execution fails" : "the invocation is retried"}.`, execution ? "execution" : "invocation", error);
  }
  const stale = /invalid checkpoint token/i.test(message);
  const throttled = status === 429 || e?.name === "TooManyRequestsException";
  if (/^KMS(AccessDenied|Disabled|InvalidState|NotFound)Exception$/.test(e?.name ?? "") || (!stale && !throttled && status !== undefined && status >= 400 && status < 500)) {
    return new CheckpointError(`${failed}. The service rejected the request; the execution fails.`, "execution", error);
  }
  const why = stale ? "The token is stale; the" : throttled ? "Throttled; the" : "The";
  return new CheckpointError(`${failed}. ${why} invocation is retried.`, "invocation", error);
}
