/**
 * Checks the body of a step (a "use step" function or an inline `step(async () => ...)`): a durable
 * call there is an error (UD106); an inline step that writes a captured variable is a hazard (UD209).
 */
import { classifyCallee } from "./callee.ts";
import type { FileContext } from "./file-context.ts";
import { normalizeCallee } from "./names.ts";
import { isDeclaredWithin } from "./scope.ts";
import { linkChain, linkChild, type TS } from "./typescript.ts";

function assignmentTarget(ts: typeof TS, node: TS.Node): TS.Expression | undefined {
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return node.left;
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) return node.operand;
  return undefined;
}

function rootIdentifier(ts: typeof TS, e: TS.Expression): TS.Identifier | undefined {
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isIdentifier(e) ? e : undefined;
}

export function checkStepBody(fc: FileContext, fn: TS.FunctionLikeDeclaration, label: string, inline: boolean): void {
  const { ts, code } = fc;
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
    const target = inline ? assignmentTarget(ts, node) : undefined;
    if (target) linkChain(ts, target, node);
    const root = target && rootIdentifier(ts, target);
    if (root && !isDeclaredWithin(ts, root.text, root, fn))
      fc.sink.report("UD209", `Inline step writes to captured variable \`${root.text}\`: on replay the step does not run, so \`${root.text}\` keeps its old value.`, node.getStart(fc.sf), node.end);
    const outer = parent;
    parent = node;
    ts.forEachChild(node, visitChild);
    parent = outer;
  };
  if (fn.body) visitChild(fn.body);
}
