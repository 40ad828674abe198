/**
 * Rewrites one call site into `__ud.callStep / callDurable / call(name, fn, thisArg, [args])`,
 * keeping the callee and argument text in place (so the map is exact) and evaluating the receiver
 * once. Returns false, touching nothing, for a form it cannot rewrite safely; else whether the
 * arguments were left in place or (a concurrency branch) evaluated up front.
 */
import { bareCallee } from "./callee.ts";
import type { FileContext } from "./file-context.ts";
import { newTemp } from "./file-context.ts";
import { BRANCH_ARGS as ARGS } from "./specifiers.ts";
import type { TS } from "./typescript.ts";

/** Receivers the `?.` form may evaluate twice (in its guard and as `this`): `a`, `this`, `a.b`, `a["k"]`. */
function isSimple(ts: typeof TS, e: TS.Expression): boolean {
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(e)) return isSimple(ts, e.expression);
  if (ts.isElementAccessExpression(e)) return isSimple(ts, e.expression) && (ts.isStringLiteral(e.argumentExpression) || ts.isNumericLiteral(e.argumentExpression));
  return false;
}

function optionalLinks(ts: typeof TS, e: TS.Expression): number {
  let n = 0;
  for (let cur = e; ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur); cur = cur.expression) if (cur.questionDotToken) n++;
  return n;
}

/** The expression before the one `?.` in a member chain (`a` in `a?.b.c`). */
function beforeOptional(ts: typeof TS, e: TS.Expression): TS.Expression | undefined {
  for (let cur = e; ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur); cur = cur.expression) if (cur.questionDotToken) return cur.expression;
  return undefined;
}

/**
 * `eager` (a concurrency branch): the arguments are evaluated where the call stands and the operation
 * is deferred to a thunk, `((a) => async () => <fn>(name, f, this, a))([args])`; done ("eager") only
 * for a plain receiver and no `?.`, where nothing else is evaluated before the arguments.
 */
export function rewriteCall(fc: FileContext, call: TS.CallExpression, fn: string, name: string, eager = false): false | "in-place" | "eager" {
  const { ts, s, code } = fc;
  const callee = bareCallee(ts, call.expression);
  const start = call.expression.getStart(fc.sf);
  const head = `${fn}(${JSON.stringify(name)}, `;
  const text = (e: TS.Node) => code.slice(e.getStart(fc.sf), e.end);
  const isMember = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee);
  const obj = isMember ? (callee as TS.PropertyAccessExpression | TS.ElementAccessExpression).expression : undefined;
  const links = optionalLinks(ts, callee) + (call.questionDotToken ? 1 : 0);
  if (links > 1) return false;

  // A receiver that is itself a member (`this.client.charge(x)`) may be a getter: evaluated once, into
  // a temporary, like any receiver with effects. Under `?.` the guard reads it anyway.
  const isName = !!obj && (ts.isIdentifier(obj) || obj.kind === ts.SyntaxKind.ThisKeyword);
  if (!obj || isName || obj.kind === ts.SyntaxKind.SuperKeyword || links > 0) {
    if (obj && !isSimple(ts, obj) && obj.kind !== ts.SyntaxKind.SuperKeyword) return false;
    const thisText = !obj ? "undefined" : obj.kind === ts.SyntaxKind.SuperKeyword ? "this" : text(obj);
    if (eager && links === 0) {
      s.appendLeft(start, `((${ARGS}) => async () => ${head}`);
      s.update(call.expression.end, call.arguments.pos, `, ${thisText}, ${ARGS}))([`);
      s.update(call.arguments.end, call.end, "])");
      return "eager";
    }
    let guard = "";
    if (call.questionDotToken) guard = text(callee);
    else if (links === 1) guard = text(beforeOptional(ts, callee)!);
    s.appendLeft(start, guard ? `(${guard} == null ? undefined : ${head}` : head);
    s.update(call.expression.end, call.arguments.pos, `, ${thisText}, [`);
    s.update(call.arguments.end, call.end, guard ? "]))" : "])");
    return "in-place";
  }
  // A receiver with side effects (`client().charge(x)`, a getter): evaluate it once into a temporary.
  let access: string;
  if (ts.isPropertyAccessExpression(callee)) access = `.${callee.name.text}`;
  else {
    const key = (callee as TS.ElementAccessExpression).argumentExpression;
    if (!(ts.isStringLiteral(key) || ts.isNumericLiteral(key) || ts.isIdentifier(key))) return false;
    access = `[${text(key)}]`;
  }
  const t = newTemp(fc, call);
  // Wrappers around the member (`(client().m)`, `(client().m as F)`) go: their closing half is replaced below.
  if (start < obj.getStart(fc.sf)) s.update(start, obj.getStart(fc.sf), `(${t} = `);
  else s.appendLeft(obj.getStart(fc.sf), `(${t} = `);
  s.update(obj.end, call.arguments.pos, `, ${head}${t}${access}, ${t}, [`);
  s.update(call.arguments.end, call.end, "]))");
  return "in-place";
}

/**
 * `f.call(t, a, b)` -> `<fn>(name, f, t, [a, b])` and `f.apply(t, xs)` -> `<fn>(name, f, t, xs)`, for a
 * callee known to be a step or durable function (otherwise Function.prototype.call would run it plainly).
 */
export function rewriteCallApply(fc: FileContext, call: TS.CallExpression, target: TS.Expression, method: "call" | "apply", fn: string, name: string): void {
  const { s } = fc;
  const args = call.arguments;
  s.appendLeft(target.getStart(fc.sf), `${fn}(${JSON.stringify(name)}, `);
  s.update(target.end, call.arguments.pos, ", ");
  const first = args[0];
  if (method === "call") {
    if (!first) s.appendLeft(call.arguments.pos, "undefined, [");
    else if (args[1]) s.update(first.end, args[1].getStart(fc.sf), ", [");
    else s.appendLeft(first.end, ", [");
    s.update(call.arguments.end, call.end, "])");
  } else {
    if (!first) s.appendLeft(call.arguments.pos, "undefined, []");
    else if (!args[1]) s.appendLeft(first.end, ", []");
  }
}
