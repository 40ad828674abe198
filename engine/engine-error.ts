/**
 * The engine's coded error: what goes wrong around the service (Node too old, a database from a
 * newer version, a function that cannot be loaded, a test runner used before its set-up), never a
 * service error a caller gets over the API (those are `ServiceError`s with Lambda's error types).
 * It carries the brand `DurableError.is` checks, so the runtime's and the engine's errors are one
 * family, with `UD_ENGINE_*` codes.
 */

export const EngineErrorCode = {
  NODE: "UD_ENGINE_NODE",
  DB_NEWER: "UD_ENGINE_DB_NEWER",
  DB_BUSY: "UD_ENGINE_DB_BUSY",
  CLOSED: "UD_ENGINE_CLOSED",
  FUNCTION: "UD_ENGINE_FUNCTION",
  OPTIONS: "UD_ENGINE_OPTIONS",
  TEST_SETUP: "UD_TEST_SETUP",
  TEST_SOURCE: "UD_TEST_SOURCE",
} as const;
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

const BRAND = Symbol.for("use-durable.error");

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EngineError";
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
