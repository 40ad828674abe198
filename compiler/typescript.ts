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

/**
 * Parses without parent pointers (setting them for the whole file costs more than half the parse):
 * each walk sets them on its way down (a node is linked before it is visited), and links ahead only
 * what it reads below the current node: a callee's member chain (linkChain), or, for the rare
 * concurrency forms, the whole call (linkSubtree). The directive scan links the path to each directive.
 */
export function parse(code: string, id: string): Parsed {
  const ts = typescript();
  const sourceFile = ts.createSourceFile(
    id,
    code,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    scriptKind(ts, id),
  );
  // parseDiagnostics is not in the public typings but is how createSourceFile reports syntax errors.
  const internal = sourceFile as unknown as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] };
  return { ts, sourceFile, syntaxErrors: internal.parseDiagnostics ?? [] };
}

type Linkable = { parent: TS.Node };

export function linkChild(child: TS.Node, parent: TS.Node): void {
  (child as unknown as Linkable).parent = parent;
}

/**
 * Links `e` to `parent` and down its member chain (`a.b[k]!.c`, parentheses, `as` / `satisfies` /
 * `<T>x`): what scope lookups of
 * a callee or an argument walk up from. No scope can sit inside such a chain.
 */
export function linkChain(ts: typeof TS, e: TS.Node, parent: TS.Node): void {
  (e as unknown as Linkable).parent = parent;
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
    (e.expression as unknown as Linkable).parent = e;
    e = e.expression;
  }
}

/** Sets the parent pointer of every node below `root` (root's own parent must already be set). */
export function linkSubtree(ts: typeof TS, root: TS.Node): void {
  let parent: TS.Node = root;
  const visit = (child: TS.Node): undefined => {
    (child as unknown as Linkable).parent = parent;
    const outer = parent;
    parent = child;
    ts.forEachChild(child, visit);
    parent = outer;
    return undefined;
  };
  ts.forEachChild(root, visit);
}
