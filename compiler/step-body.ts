/**
 * Checks the body of a step (a "use step" function or an inline `step(async () => ...)`): a durable
 * call there is an error (UD106); an inline or nested step that changes a captured variable is a
 * hazard (UD209), since on replay the step does not run; a step that changes its parameter is a
 * hazard (UD212), since steps receive copies of their arguments. A change is an assignment, `++` /
 * `--`, `delete`, a mutating method (`push`, `set`, ...) or `Object.assign` on the variable.
 */
import { classifyCallee } from "./callee.ts";
import type { FileContext } from "./file-context.ts";
import { normalizeCallee } from "./names.ts";
import { collectNames, isDeclaredWithin } from "./scope.ts";
import { linkChain, linkChild, type TS } from "./typescript.ts";

const MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "set", "add", "delete", "clear"]);

/** What a node changes: the expression written to (or mutated), and whether it is only a rebinding. */
function changed(ts: typeof TS, node: TS.Node): { target: TS.Expression; rebinding: boolean } | undefined {
  let target: TS.Expression | undefined;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target = node.left;
  else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) target = node.operand;
  else if (ts.isDeleteExpression(node)) target = node.expression;
  else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const callee = node.expression;
    if (MUTATORS.has(callee.name.text)) return { target: callee.expression, rebinding: false };
    const first = node.arguments[0];
    if (callee.name.text === "assign" && ts.isIdentifier(callee.expression) && callee.expression.text === "Object" && first) return { target: first, rebinding: false };
  }
  if (!target) return undefined;
  let bare = target;
  while (ts.isParenthesizedExpression(bare) || ts.isNonNullExpression(bare)) bare = bare.expression;
  return { target, rebinding: ts.isIdentifier(bare) };
}

function rootIdentifier(ts: typeof TS, e: TS.Expression): TS.Identifier | undefined {
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isCallExpression(e)) e = e.expression;
  return ts.isIdentifier(e) ? e : undefined;
}

function isNested(ts: typeof TS, fn: TS.Node): boolean {
  for (let p = fn.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return true;
  return false;
}

export function checkStepBody(fc: FileContext, fn: TS.FunctionLikeDeclaration, label: string, inline: boolean): void {
  const { ts, code } = fc;
  // Captured writes matter where the step shares variables with a durable body: an inline step, or
  // a step function declared inside a function (a module-level step's module variables are caches).
  const captures = inline || isNested(ts, fn);
  const params = inline ? new Set<string>() : new Set(fn.parameters.flatMap((p) => collectNames(ts, p.name)));
  const who = inline ? "Inline step" : `Step \`${label}\``;
  // Links parents on the way down (typescript.ts): the scope lookups below walk up from the node.
  let parent: TS.Node = fn;
  const visitChild = (node: TS.Node): undefined => {
    linkChild(node, parent);
    visit(node);
    return undefined;
  };
  const visit = (node: TS.Node): void => {
    if (node !== fn && fc.fns.has(node)) return;
    if (ts.isCallExpression(node)) {
      linkChain(ts, node.expression, node);
      const kind = classifyCallee(fc.resolver, node.expression);
      if (kind.kind === "durable" || kind.kind === "intrinsic") {
        const callee = normalizeCallee(code.slice(node.expression.getStart(fc.sf), node.expression.end));
        fc.sink.report("UD106", `Durable call \`${callee}\` inside step \`${label}\`: a step cannot start durable operations.`, node.getStart(fc.sf), node.end);
      }
    }
    const change = changed(ts, node);
    if (change) {
      linkChain(ts, change.target, node);
      const root = rootIdentifier(ts, change.target);
      if (root && captures && !isDeclaredWithin(ts, root.text, root, fn)) {
        fc.sink.report("UD209", `${who} writes to captured variable \`${root.text}\`: on replay the step does not run, so \`${root.text}\` keeps its old value.`, node.getStart(fc.sf), node.end);
      } else if (root && !change.rebinding && params.has(root.text) && declaredAsParameter(ts, root, fn)) {
        fc.sink.report("UD212", `Step \`${label}\` changes its parameter \`${root.text}\`: a step receives a copy of its arguments, so the caller does not see the change.`, node.getStart(fc.sf), node.end);
      }
    }
    const outer = parent;
    parent = node;
    ts.forEachChild(node, visitChild);
    parent = outer;
  };
  if (fn.body) visitChild(fn.body);
}

/** `id` is the step's own parameter, not a local of the body or an inner scope with that name. */
function declaredAsParameter(ts: typeof TS, id: TS.Identifier, fn: TS.FunctionLikeDeclaration): boolean {
  return !fn.body || !isDeclaredWithin(ts, id.text, id, fn.body);
}
