// Hands the compiler's diagnostics to the bundler. Each bundler has its own error/warning API (reached
// through unplugin's this.error / this.warn); what differs is whether error() throws (Rollup, Vite) or
// collects (esbuild, webpack, Rspack), and whether a location survives (webpack and Rspack keep only the
// text), so the text always carries file:line:col itself.

import type { Diagnostic } from "../compiler/index.ts";

export interface DiagnosticSink {
  error(message: { message: string; id?: string; code?: string; loc?: { file?: string; line: number; column: number } }): void;
  warn(message: { message: string; id?: string; code?: string; loc?: { file?: string; line: number; column: number } }): void;
}

/** Does this bundler's error() stop at the first call? */
export function errorThrows(framework: string): boolean {
  return framework === "rollup" || framework === "vite" || framework === "rolldown";
}

/** The compiler's own formatter: `file:line:col CODE severity: message`, the code frame, the fix. */
export type FormatDiagnostic = (d: Diagnostic) => string;

/**
 * Reports warnings first (a Rollup error() would end the hook), then errors. `id` is the bundler's
 * module id, so locations point at the file the bundler knows.
 */
export function reportDiagnostics(
  sink: DiagnosticSink,
  framework: string,
  id: string,
  diagnostics: readonly Diagnostic[],
  format: FormatDiagnostic,
): void {
  const toMessage = (d: Diagnostic) => ({
    message: format(d),
    id,
    code: d.code,
    // Rollup-family (and esbuild) locations have 0-based columns; the compiler's are 1-based.
    // Through unplugin esbuild gets no line text, so it prints a blank frame under ours, but a real
    // location editors can jump to.
    loc: { file: id, line: d.line, column: Math.max(0, d.column - 1) },
  });
  const errors = diagnostics.filter((d) => d.severity === "error");
  for (const d of diagnostics) {
    // Notes (what the compiler did about a would-be hazard) stay in the manifest.
    if (d.severity === "warning") sink.warn(toMessage(d));
  }
  if (errors.length === 0) return;
  if (errorThrows(framework)) {
    const count = errors.length > 1 ? `${errors.length} use-durable errors:\n` : "";
    sink.error({ ...toMessage(errors[0] as Diagnostic), message: count + errors.map(format).join("\n\n") });
    return;
  }
  for (const d of errors) sink.error(toMessage(d));
}
