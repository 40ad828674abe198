/**
 * Errors a step throws to steer its retries in compiled code, as Vercel Workflow users write them:
 * `FatalError` is never retried; `RetryableError` is retried after `retryAfter` (a delay in
 * milliseconds, a duration string such as "30s", or a Date) when the retry strategy retries at
 * all. The retry strategy of compiled code honours them (dialect/dialect-options.ts). Their names
 * are spelled out (a minifier renames classes) and the class registry knows them as built in.
 */

export class FatalError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FatalError";
  }
}

export interface RetryableErrorOptions extends ErrorOptions {
  /** When to try again: milliseconds, a duration string ("30s", "5m"), or a Date. @default the retry strategy's delay */
  retryAfter?: number | string | Date;
}

export class RetryableError extends Error {
  retryAfter: number | string | Date | undefined;

  constructor(message?: string, options?: RetryableErrorOptions) {
    super(message, options);
    this.name = "RetryableError";
    this.retryAfter = options?.retryAfter;
  }
}
