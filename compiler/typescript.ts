/**
 * The TypeScript front end, loaded lazily: a file without a directive never pays for it.
 * TypeScript is used for positions only; the compiler never prints its AST.
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";

export type { TS };

let loaded: typeof TS | undefined;

export function typescript(): typeof TS {
  loaded ??= createRequire(import.meta.url)("typescript") as typeof TS;
  return loaded;
}

export interface Parsed {
  ts: typeof TS;
  sourceFile: TS.SourceFile;
  syntaxErrors: readonly TS.DiagnosticWithLocation[];
}

function scriptKind(ts: typeof TS, id: string): TS.ScriptKind {
  const file = id.replace(/[?#].*$/, "");
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function parse(code: string, id: string): Parsed {
  const ts = typescript();
  const sourceFile = ts.createSourceFile(
    id,
    code,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    true,
    scriptKind(ts, id),
  );
  // parseDiagnostics is not in the public typings but is how createSourceFile reports syntax errors.
  const internal = sourceFile as unknown as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] };
  return { ts, sourceFile, syntaxErrors: internal.parseDiagnostics ?? [] };
}
