/**
 * The quick fix for a misspelt directive (UD101): the string literal statement at the position is
 * replaced with the directive the compiler suggests. Reads the file; builds the edit, applies nothing.
 */
import type { TS, TSApi } from "../analysis/ts-types.ts";
import { suggestDirective } from "../../compiler/index.ts";

export const FIX_NAME = "useDurableDirective";

export function directiveFix(ts: TSApi, sf: TS.SourceFile, start: number, end: number): TS.CodeFixAction | undefined {
  let found: TS.StringLiteral | undefined;
  const visit = (n: TS.Node): void => {
    if (found || n.end < start || n.getStart(sf) > Math.max(start, end)) return;
    if (ts.isExpressionStatement(n) && ts.isStringLiteral(n.expression) && n.getStart(sf) <= start) found = n.expression;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!found) return undefined;
  const meant = suggestDirective(found.text);
  if (!meant) return undefined;
  const directive = meant === "durable" ? "use durable" : "use step";
  const quote = sf.text[found.getStart(sf)] === "'" ? "'" : '"';
  return {
    fixName: FIX_NAME,
    description: `Change "${found.text}" to "${directive}"`,
    changes: [{ fileName: sf.fileName, textChanges: [{ span: { start: found.getStart(sf), length: found.end - found.getStart(sf) }, newText: `${quote}${directive}${quote}` }] }],
  };
}
