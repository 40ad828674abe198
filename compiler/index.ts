/**
 * use-durable/compiler: turns "use durable" / "use step" functions into durable handlers.
 * Pure: text in, text + source map + manifest + diagnostics out; no fs, no bundler, no runtime import.
 * The dialect, the naming rule and every diagnostic are in compiler/SPEC.md.
 */
export { compile } from "./compile.ts";
export type { CompileResult } from "./compile.ts";
export type { CompileOptions, ResolvedOptions } from "./options.ts";
export { resolveOptions } from "./options.ts";
export type { Diagnostic, DiagnosticCode } from "./diagnostics.ts";
export { formatDiagnostic, codeFrame, lineColumn, DIAGNOSTIC_FIXES } from "./diagnostics.ts";
export type { Manifest, DurableEntry, StepEntry, CallEntry, CallKind } from "./manifest.ts";
export type { OperationName } from "./names.ts";
export { buildName, parseName, MAX_NAME_LENGTH } from "./names.ts";
export { INTERNAL_SPECIFIER, PUBLIC_SPECIFIER } from "./specifiers.ts";
export { INTRINSICS } from "./callee.ts";
export { suggestDirective } from "./directives.ts";
export type { Intrinsic } from "./callee.ts";
export { summarizeExports, importSpecifiers } from "./exports-summary.ts";
export type { ExportsSummary, ExportKind, LocalExport } from "./exports-summary.ts";
export { linkExports, MAX_REEXPORT_DEPTH } from "./exports-link.ts";
export type { ImportedExport, ImportedModule, SummaryLoader } from "./exports-link.ts";
export { isAlreadyCompiled, mayHaveDirective } from "./prefilter.ts";
