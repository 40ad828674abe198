/**
 * use-durable/compiler's light half: what a host (the bundler plugin) needs on its own thread to route
 * modules without compiling them: the directive prefilter, the import specifiers and the linking of
 * export summaries, and the diagnostic printer. Importing it loads neither magic-string nor any compile
 * pass (about 15 M instructions against 82 M for index.ts, valgrind), so a build whose modules all come
 * from the plugin's cache never loads the rest. Parsing (compile, summarizeExports) is index.ts's.
 */
export { isAlreadyCompiled, mayHaveDirective } from "./prefilter.ts";
export { importSpecifiers } from "./exports-summary.ts";
export type { ExportsSummary } from "./exports-summary.ts";
export { linkExports, MAX_REEXPORT_DEPTH } from "./exports-link.ts";
export type { ImportedModule } from "./exports-link.ts";
export { formatDiagnostic } from "./diagnostics.ts";
export type { Diagnostic } from "./diagnostics.ts";
