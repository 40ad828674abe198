/**
 * What the manifest records of one durable call besides its name, so that `use-durable check
 * --against` can tell two calls to the same callee apart when an edit swaps them (the names stay
 * `charge`, `charge#2` while each recorded result would go to the other call): the text of its
 * arguments and the variable its result feeds. Reads the AST only; never edits.
 */
import type { FileContext } from "./file-context.ts";
import { fnv1a } from "./names.ts";
import type { TS } from "./typescript.ts";

/** Longer argument texts keep their start and a hash of the whole, so the manifest stays small. */
export const MAX_ARGUMENT_TEXT = 120;
const KEEP = 100;

/** Source text without comments, whitespace runs as one space. */
function compact(text: string): string {
  const t = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "").replace(/\s+/g, " ").trim();
  return t.length <= MAX_ARGUMENT_TEXT ? t : `${t.slice(0, KEEP)}...~${fnv1a(t)}`;
}

/**
 * Each argument as written. A function literal (an inline step body, a map callback) is `<fn>`: its
 * body runs only when the call is not replayed, so editing it changes nothing a replay reads.
 */
export function argumentTexts(fc: FileContext, call: TS.CallExpression): string[] {
  const { ts } = fc;
  return call.arguments.map((a) => {
    let e: TS.Expression = a;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return "<fn>";
    return compact(fc.code.slice(a.getStart(fc.sf), a.end));
  });
}

/**
 * The variable (or target) the call's result is stored in: `const a = await f()` -> `a`,
 * `o.x = await f()` -> `o.x`, `return await f()` -> `return`; undefined when it feeds an expression.
 * Parents are linked by the durable-body walk before a call is visited.
 */
export function fedTarget(fc: FileContext, call: TS.Node): string | undefined {
  const { ts } = fc;
  let child: TS.Node = call;
  let p: TS.Node | undefined = call.parent;
  while (p && (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p))) (child = p), (p = p.parent);
  if (!p) return undefined;
  if (ts.isVariableDeclaration(p) && p.initializer === child) return compact(p.name.getText(fc.sf));
  if (ts.isBinaryExpression(p) && p.right === child && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return compact(p.left.getText(fc.sf));
  if (ts.isReturnStatement(p)) return "return";
  return undefined;
}
