/**
 * Recognises the concurrency forms of DESIGN rule 3 (`Promise.all/allSettled/any/race` over an array,
 * `Promise.all(xs.map(fn))`) and rewrites their heads; the walker then visits each branch.
 */
import type { FileContext } from "./file-context.ts";
import { isLocal } from "./scope.ts";
import { RT } from "./specifiers.ts";
import type { TS } from "./typescript.ts";

const OPS = { all: RT.promiseAll, allSettled: RT.promiseAllSettled, any: RT.promiseAny, race: RT.promiseRace } as const;
type Op = keyof typeof OPS;

export type Concurrency =
  | { form: "array"; op: Op; callee: string; elements: readonly TS.Expression[] }
  | { form: "map"; op: MapOp; callee: string; mapCall: TS.CallExpression; items: TS.Expression; fn: TS.ArrowFunction | TS.FunctionExpression }
  /** `Promise.all(xs.map(processItem))`: a function passed by reference. */
  | { form: "map-ref"; op: MapOp; callee: string; mapCall: TS.CallExpression; items: TS.Expression; ref: TS.Identifier | TS.PropertyAccessExpression };

/** The combinators with a map form, and what compiled code calls for each. */
const MAP_OPS = { all: RT.mapAll, allSettled: RT.mapAllSettled } as const;
type MapOp = keyof typeof MAP_OPS;

function unwrap(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** `(async () => {...})()` -> the async function, else undefined. */
export function asyncIife(ts: typeof TS, e: TS.Expression): TS.ArrowFunction | TS.FunctionExpression | undefined {
  const call = unwrap(ts, e);
  if (!ts.isCallExpression(call) || call.arguments.length > 0) return undefined;
  const fn = unwrap(ts, call.expression);
  const isAsync = (f: TS.Node) => (ts.getModifiers(f as TS.ArrowFunction) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  return (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && isAsync(fn) ? fn : undefined;
}

export function matchConcurrency(fc: FileContext, call: TS.CallExpression): Concurrency | undefined {
  const { ts } = fc;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== "Promise") return undefined;
  if (fc.resolver.bindings.has("Promise") || isLocal(ts, "Promise", callee.expression)) return undefined;
  const op = callee.name.text;
  if (!(op in OPS) || call.arguments.length !== 1 || call.questionDotToken) return undefined;
  const arg = unwrap(ts, call.arguments[0]!);
  const calleeText = `Promise.${op}`;
  if (ts.isArrayLiteralExpression(arg)) {
    if (arg.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return undefined;
    return { form: "array", op: op as Op, callee: calleeText, elements: arg.elements };
  }
  if (op in MAP_OPS && ts.isCallExpression(arg) && ts.isPropertyAccessExpression(arg.expression) && arg.expression.name.text === "map" && !arg.expression.questionDotToken && !arg.questionDotToken && arg.arguments.length === 1) {
    const fn = unwrap(ts, arg.arguments[0]!);
    const mapOp = op as MapOp;
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) return { form: "map", op: mapOp, callee: calleeText, mapCall: arg, items: arg.expression.expression, fn };
    if (ts.isIdentifier(fn) || (ts.isPropertyAccessExpression(fn) && !fn.questionDotToken)) return { form: "map-ref", op: mapOp, callee: calleeText, mapCall: arg, items: arg.expression.expression, ref: fn };
  }
  return undefined;
}

/** Rewrites the head: `Promise.all(` -> `__ud.promiseAll("name", ` and, for map, `xs.map(fn)` -> `xs, fn`. */
export function rewriteConcurrencyHead(fc: FileContext, call: TS.CallExpression, c: Concurrency, name: string): void {
  const { s } = fc;
  const fn = c.form === "array" ? OPS[c.op] : MAP_OPS[c.op];
  s.update(call.expression.getStart(fc.sf), call.arguments.pos, `${fn}(${JSON.stringify(name)}, `);
  if (c.form !== "array") {
    s.update(c.items.end, c.mapCall.arguments.pos, ", ");
    s.remove(c.mapCall.arguments.end, c.mapCall.end);
  }
}

/**
 * `xs.map(processItem)` -> the items and `(__ud_item, __ud_index, __ud_items) => <call>(name, processItem, this, [...])`,
 * so the function gets Array.prototype.map's three arguments, as in plain JS.
 */
export function rewriteMapReference(fc: FileContext, ref: TS.Identifier | TS.PropertyAccessExpression, callFn: string, name: string): void {
  // As in plain JS, a method passed by reference is called without its object as `this`.
  fc.s.appendLeft(ref.getStart(fc.sf), `(__ud_item, __ud_index, __ud_items) => ${callFn}(${JSON.stringify(name)}, `);
  fc.s.appendLeft(ref.end, `, undefined, [__ud_item, __ud_index, __ud_items])`);
}

/** An expression that only reads (a literal, a name, `this`, a member of one, a function literal): evaluating it later changes nothing. */
export function readsOnly(ts: typeof TS, e: TS.Expression): boolean {
  e = unwrap(ts, e);
  if (ts.isIdentifier(e) || ts.isLiteralExpression(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  const k = e.kind;
  if (k === ts.SyntaxKind.ThisKeyword || k === ts.SyntaxKind.TrueKeyword || k === ts.SyntaxKind.FalseKeyword || k === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isPropertyAccessExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return readsOnly(ts, e.expression);
  if (ts.isSpreadElement(e)) return readsOnly(ts, e.expression);
  return false;
}

/** Turns one array element into a branch thunk: an async IIFE loses its call, anything else gets `async () => `. */
export function rewriteBranch(fc: FileContext, element: TS.Expression): TS.ArrowFunction | TS.FunctionExpression | undefined {
  const { ts, s } = fc;
  const iife = asyncIife(ts, element);
  if (iife) {
    if (element.getStart(fc.sf) < iife.getStart(fc.sf)) s.remove(element.getStart(fc.sf), iife.getStart(fc.sf));
    if (iife.end < element.end) s.remove(iife.end, element.end);
    return iife;
  }
  s.appendLeft(element.getStart(fc.sf), "async () => ");
  return undefined;
}
