/**
 * `check`'s type-aware pass over a program: the compiler's own diagnostics for every durable module,
 * plus analysis/'s findings (UD401-UD405). Where the types settle what the compiler could only guess,
 * the guess goes: a UD207 on a call whose callee is known durable or plain (UD403 says so exactly), a
 * UD404 that repeats the compiler's UD209, a UD402 on a call the compiler already named (UD201-UD206).
 * No printing here.
 */
import { relative } from "node:path";
import { analyzeFile, type AnalysisContext } from "../../analysis/analyze-file.ts";
import { CalleeResolver } from "../../analysis/callee-values.ts";
import { NondeterminismFinder } from "../../analysis/nondeterminism.ts";
import type { SerdesProfile } from "../../analysis/serializable.ts";
import type { TS, TSApi } from "../../analysis/ts-types.ts";
import { compile, mayHaveDirective, type Diagnostic } from "../../compiler/index.ts";

export interface TypeCheckOptions {
  root: string;
  profile: SerdesProfile;
  strict: boolean;
}

export interface TypeCheckResult {
  diagnostics: Diagnostic[];
  /** Files in the program / files holding a directive. */
  files: number;
  durableFiles: number;
}

export function typeCheck(ts: TSApi, program: TS.Program, sourceFiles: readonly TS.SourceFile[], options: TypeCheckOptions): TypeCheckResult {
  const checker = program.getTypeChecker();
  const resolver = new CalleeResolver(ts, checker);
  const cx: AnalysisContext = { ts, checker, resolver, nondeterminism: new NondeterminismFinder(resolver) };
  const diagnostics: Diagnostic[] = [];
  let durableFiles = 0;
  for (const sf of sourceFiles) {
    if (!mayHaveDirective(sf.text)) continue;
    durableFiles++;
    const file = relative(options.root, sf.fileName).split("\\").join("/");
    const compiled = compile(sf.text, sf.fileName, { root: options.root, strict: options.strict });
    const { findings, settled } = analyzeFile(cx, sf, { file, profile: options.profile, strict: options.strict });
    const at = (d: Diagnostic) => `${d.line}:${d.column}`;
    const compilerAt = (codes: RegExp) => new Set((compiled?.diagnostics ?? []).filter((d) => codes.test(d.code)).map(at));
    const captured = compilerAt(/^UD209$/);
    const hazards = compilerAt(/^UD20[1-6]$/);
    diagnostics.push(...(compiled?.diagnostics ?? []).filter((d) => !(d.code === "UD207" && settled.has(at(d)))));
    diagnostics.push(...findings.filter((f) => !(f.code === "UD404" && captured.has(at(f))) && !(f.code === "UD402" && hazards.has(at(f)))));
  }
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1)));
  return { diagnostics, files: sourceFiles.length, durableFiles };
}
