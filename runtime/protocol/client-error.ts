/**
 * How a DurableExecutionClient says what a failed call means (official SDK 2.4): throw a
 * `DurableExecutionClientError` with scope INVOCATION (transient: the invocation ends and Lambda
 * retries it; the default) or EXECUTION (permanent: the execution fails). The runtime believes
 * that scope before it looks at AWS-shaped errors (status codes, exception names), so a transport
 * that is not the Lambda API can classify its own failures. Recognised by shape, not instanceof,
 * so a client bundled with another copy of this class still counts.
 */
export const DurableExecutionClientErrorScope = {
  /** The invocation cannot continue; the execution resumes in a new one. */
  INVOCATION: "INVOCATION",
  /** The execution cannot proceed and fails. */
  EXECUTION: "EXECUTION",
} as const;
export type DurableExecutionClientErrorScope = (typeof DurableExecutionClientErrorScope)[keyof typeof DurableExecutionClientErrorScope];

export interface DurableExecutionClientErrorOptions {
  /** @default DurableExecutionClientErrorScope.INVOCATION */
  scope?: DurableExecutionClientErrorScope;
  cause?: unknown;
}

export class DurableExecutionClientError extends Error {
  readonly isDurableExecutionClientError = true as const;
  readonly scope: DurableExecutionClientErrorScope;

  constructor(message: string, options?: DurableExecutionClientErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DurableExecutionClientError";
    this.scope = options?.scope ?? DurableExecutionClientErrorScope.INVOCATION;
  }
}

/** True for an Error carrying the marker and a known scope (a malformed one is not believed). */
export function isDurableExecutionClientError(error: unknown): error is DurableExecutionClientError {
  const e = error as Partial<DurableExecutionClientError> | undefined;
  return error instanceof Error && e?.isDurableExecutionClientError === true && (e.scope === "INVOCATION" || e.scope === "EXECUTION");
}
