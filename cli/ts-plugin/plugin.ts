/**
 * The TypeScript language-service plugin (`use-durable/ts-plugin` under compilerOptions.plugins):
 * while the user types, the compiler's UD diagnostics and the type-aware findings of analysis/ for
 * the open file, on the editor's own program, and a quick fix for a misspelt directive. It decorates
 * the language service and never changes what TypeScript itself reports. Loaded through index.cjs.
 */
import { relative } from "node:path";
import { analysisContext, durableDiagnostics } from "../analysis/durable-diagnostics.ts";
import type { AnalysisContext } from "../analysis/analyze-file.ts";
import type { TS, TSApi } from "../analysis/ts-types.ts";
import { mayHaveDirective, type Diagnostic } from "../../compiler/index.ts";
import { directiveFix } from "./directive-fix.ts";

export const SOURCE = "use-durable";

export interface PluginConfig {
  /** Every finding an error, as `strict: true` in the build. @default false */
  strict?: boolean;
  /** The serdes profile values are checked against. @default "json" */
  serdes?: "json" | "rich";
}

/** `UD101` -> 101: TypeScript's diagnostics carry numbers; ours stay below its own (1000 and up). */
export const codeNumber = (code: string): number => Number(code.slice(2));

export function createPlugin(modules: { typescript: TSApi }): { create(info: TS.server.PluginCreateInfo): TS.LanguageService } {
  const ts = modules.typescript;
  return {
    create(info) {
      const config = (info.config ?? {}) as PluginConfig;
      const ls = info.languageService;
      let cached: { program: TS.Program; cx: AnalysisContext } | undefined;
      const context = (program: TS.Program) => {
        if (cached?.program !== program) cached = { program, cx: analysisContext(ts, program) };
        return cached.cx;
      };
      const root = info.project.getCurrentDirectory();
      const ours = (fileName: string): Diagnostic[] => {
        const program = ls.getProgram();
        const sf = program?.getSourceFile(fileName);
        if (!program || !sf || !mayHaveDirective(sf.text)) return [];
        try {
          return durableDiagnostics(context(program), sf, { root, file: relative(root, fileName).split("\\").join("/"), profile: config.serdes ?? "json", strict: config.strict ?? false });
        } catch (error) {
          info.project.projectService.logger.info(`use-durable: analysis of ${fileName} failed: ${(error as Error).stack ?? String(error)}`);
          return [];
        }
      };
      const proxy = Object.create(null) as TS.LanguageService;
      for (const key of Object.keys(ls) as Array<keyof TS.LanguageService>) {
        const value = ls[key];
        (proxy as unknown as Record<string, unknown>)[key] = typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(ls) : value;
      }
      proxy.getSemanticDiagnostics = (fileName) => {
        const sf = ls.getProgram()?.getSourceFile(fileName);
        const base = ls.getSemanticDiagnostics(fileName);
        if (!sf) return base;
        return [...base, ...ours(fileName).map((d) => toTsDiagnostic(ts, sf, d))];
      };
      proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
        const theirs = errorCodes.filter((c) => c >= 1000);
        const base = theirs.length > 0 ? ls.getCodeFixesAtPosition(fileName, start, end, theirs, formatOptions, preferences) : [];
        if (!errorCodes.includes(codeNumber("UD101"))) return base;
        const sf = ls.getProgram()?.getSourceFile(fileName);
        const fix = sf && directiveFix(ts, sf, start, end);
        return fix ? [...base, fix] : base;
      };
      proxy.getSupportedCodeFixes = (fileName) => [...ls.getSupportedCodeFixes(fileName), String(codeNumber("UD101"))];
      return proxy;
    },
  };
}

/** A Diagnostic (1-based line / column, a code frame with carets) as TypeScript's. */
function toTsDiagnostic(ts: TSApi, sf: TS.SourceFile, d: Diagnostic): TS.Diagnostic {
  const start = sf.getPositionOfLineAndCharacter(d.line - 1, d.column - 1);
  // The frame's caret line (`     |     ^^^^`) spans the construct.
  const carets = d.frame.split("\n").find((l) => /^ +\| [ \t]*\^+$/.test(l))?.match(/\^+/)?.[0];
  return {
    file: sf,
    start,
    length: carets?.length ?? 1,
    messageText: `${d.code}: ${d.message}${d.fix ? `\nfix: ${d.fix}` : ""}`,
    category: d.severity === "error" ? ts.DiagnosticCategory.Error : ts.DiagnosticCategory.Warning,
    code: codeNumber(d.code),
    source: SOURCE,
  };
}
