/**
 * `check`'s type-aware pass over a program: for every file the tsconfig names that may hold a
 * directive, what analysis/durable-diagnostics.ts says about it (the compiler's diagnostics and the
 * findings UD401-UD405). No printing here.
 */
import { relative } from "node:path";
import { analysisContext, durableDiagnostics } from "../analysis/durable-diagnostics.ts";
import type { SerdesProfile } from "../analysis/serializable.ts";
import type { TS, TSApi } from "../analysis/ts-types.ts";
import { mayHaveDirective, type Diagnostic } from "../../compiler/index.ts";

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
  const cx = analysisContext(ts, program);
  const diagnostics: Diagnostic[] = [];
  let durableFiles = 0;
  for (const sf of sourceFiles) {
    if (!mayHaveDirective(sf.text)) continue;
    durableFiles++;
    const file = relative(options.root, sf.fileName).split("\\").join("/");
    diagnostics.push(...durableDiagnostics(cx, sf, { root: options.root, file, profile: options.profile, strict: options.strict }));
  }
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { diagnostics, files: sourceFiles.length, durableFiles };
}
