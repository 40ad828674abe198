/**
 * The runtime's own debug trace, off by default: with DURABLE_VERBOSE_MODE=true (the official
 * SDK's switch) each checkpoint request, failure and the invocation's ending are written with
 * console.debug. The flag is read once at load, because the trace sits on hot paths;
 * `refreshLogConfig()` reads it again (for a tool that sets the variable after loading). Data
 * is passed as a function and only evaluated when tracing is on.
 */
let verbose = process.env["DURABLE_VERBOSE_MODE"] === "true";

export const refreshLogConfig = (): void => {
  verbose = process.env["DURABLE_VERBOSE_MODE"] === "true";
};

export function trace(message: string, data?: () => unknown): void {
  if (verbose) console.debug(`[use-durable] ${message}`, data ? JSON.stringify(data()) : "");
}
