/**
 * Everything use-durable says about one file, the same in `use-durable check` and in the editor: the
 * compiler's diagnostics and the type-aware findings, with the compiler's guesses that the types
 * settle taken out (a UD207 on a call whose callee is known durable or plain), one report per span
 * where both see the same thing (a captured write is the type-aware UD404, which follows aliases and
 * is an error; a read of the clock or of randomness the compiler already reports as UD201-UD206 is
 * not repeated as UD402). Sorted by position.
 */
import { compile, type Diagnostic } from "../../compiler/index.ts";
import { analyzeFile, type AnalysisContext } from "./analyze-file.ts";
import { CalleeResolver } from "./callee-values.ts";
import { NondeterminismFinder } from "./nondeterminism.ts";
import type { SerdesProfile } from "./serializable.ts";
import type { TS, TSApi } from "./ts-types.ts";

export interface DurableDiagnosticsOptions {
  /** Root for the file names printed (and for operation names). */
  root: string;
  /** The file as printed (relative to root, with `/`). */
  file: string;
  profile: SerdesProfile;
  strict: boolean;
}

export function analysisContext(ts: TSApi, program: TS.Program): AnalysisContext {
  const checker = program.getTypeChecker();
  const resolver = new CalleeResolver(ts, checker);
  return { ts, checker, resolver, nondeterminism: new NondeterminismFinder(resolver) };
}

export function durableDiagnostics(cx: AnalysisContext, sf: TS.SourceFile, options: DurableDiagnosticsOptions): Diagnostic[] {
  const compiled = compile(sf.text, sf.fileName, { root: options.root, strict: options.strict })?.diagnostics ?? [];
  const { findings, settled } = analyzeFile(cx, sf, { file: options.file, profile: options.profile, strict: options.strict });
  const at = (d: Diagnostic) => `${d.line}:${d.column}`;
  const compilerAt = (codes: RegExp) => new Set(compiled.filter((d) => codes.test(d.code)).map(at));
  const hazards = compilerAt(/^UD20[1-6]$/);
  const capturedWrites = new Set(findings.filter((f) => f.code === "UD404").map(at));
  const out = [
    ...compiled.filter((d) => !(d.code === "UD207" && settled.has(at(d))) && !(d.code === "UD209" && capturedWrites.has(at(d)))),
    ...findings.filter((f) => !(f.code === "UD402" && hazards.has(at(f)))),
  ];
  return out.sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1));
}
