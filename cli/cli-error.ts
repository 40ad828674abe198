/**
 * The command's own errors: bad arguments or input it cannot read. Each has a stable code and a
 * message that says what, where and how to fix it; main() prints it and exits 2. Never thrown for a
 * finding (a finding is a result, exit 1).
 */
export type CliErrorCode = "UD_CLI_USAGE" | "UD_CLI_MISSING_FILE" | "UD_CLI_BAD_JSON" | "UD_CLI_BAD_MANIFEST" | "UD_CLI_BAD_HISTORY" | "UD_CLI_BAD_PROJECT" | "UD_CLI_UNKNOWN_ENTRY" | "UD_CLI_ENGINE" | "UD_CLI_ENGINE_BUSY" | "UD_CLI_NO_ENGINE" | "UD_CLI_NOT_FOUND" | "UD_CLI_CALLBACK_ANSWERED" | "UD_CLI_DEV_REFUSED" | "UD_CLI_DEV_LOST";

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = "CliError";
    this.code = code;
  }
}

export function isCliError(e: unknown): e is CliError {
  return e instanceof Error && e.name === "CliError" && typeof (e as CliError).code === "string";
}
