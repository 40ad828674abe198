/**
 * A durable call whose promise is stored in a variable that is never awaited (`const r =
 * chargeCard(c); return { r }`): UD210, like a call left as a bare statement. A reference counts
 * as awaited when it is awaited or returned as it is, chained (`r.then`), passed to a call (in an
 * array or object too: `Promise.all([r])`), or copied as it is to another variable; anything else
 * (a field of an object, `r.x`) is not. Also the first call of a promise chain
 * (`fetch(u).then(...)`), which is what an awaited chain runs. Only reads; never edits.
 */
import type { TS } from "./typescript.ts";

/** The variable a call's promise is stored in (`const r = <call>`), if any. */
export function storedIn(ts: typeof TS, call: TS.Node): TS.Identifier | undefined {
  let child: TS.Node = call;
  let p = call.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p))) (child = p), (p = p.parent);
  return p && ts.isVariableDeclaration(p) && p.initializer === child && ts.isIdentifier(p.name) ? p.name : undefined;
}

/** True when no reference to `name` in its function hands the promise on. */
export function neverAwaited(ts: typeof TS, name: TS.Identifier): boolean {
  let fn: TS.Node | undefined = name.parent;
  while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  const body = fn && (fn as TS.FunctionLikeDeclaration).body;
  if (!body) return false;
  let handed = false;
  const ancestors: TS.Node[] = [];
  const visit = (node: TS.Node): void => {
    if (handed) return;
    if (ts.isIdentifier(node) && node.text === name.text && node !== name && handsOn(ts, node, ancestors)) handed = true;
    ancestors.push(node);
    ts.forEachChild(node, visit);
    ancestors.pop();
  };
  visit(body);
  return !handed;
}

function handsOn(ts: typeof TS, ref: TS.Node, ancestors: readonly TS.Node[]): boolean {
  let child = ref;
  let contained = false;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const p = ancestors[i]!;
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)) {
      child = p;
      continue;
    }
    if (ts.isArrayLiteralExpression(p) || ts.isSpreadElement(p) || ts.isObjectLiteralExpression(p) || ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
      contained = true;
      child = p;
      continue;
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) return p.expression !== child;
    if (ts.isPropertyAccessExpression(p)) return p.expression === child && !contained && ["then", "catch", "finally"].includes(p.name.text);
    if (ts.isAwaitExpression(p) || ts.isReturnStatement(p) || ts.isArrowFunction(p)) return !contained;
    if (ts.isVariableDeclaration(p) || (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken)) return !contained;
    return false;
  }
  return false;
}

/** `fetch(u)` in `fetch(u).then(f).catch(g)`: the call a promise chain starts from, if any. */
export function chainRoot(ts: typeof TS, call: TS.CallExpression): TS.CallExpression | undefined {
  let e: TS.Expression = call;
  let chained = false;
  for (;;) {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !["then", "catch", "finally"].includes(e.expression.name.text)) break;
    e = e.expression.expression;
    chained = true;
  }
  return chained && ts.isCallExpression(e) ? e : undefined;
}
