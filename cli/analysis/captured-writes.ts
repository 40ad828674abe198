/**
 * Writes that a replay loses: code that runs only when a step runs (an inline step's callback, a step
 * function declared inside the durable body) writing to a variable of the durable body, directly or
 * through a local alias (`const o = state; o.n++`), by assignment, `++`/`--`, `delete`, or a mutating
 * method (`push`, `set`, ...). On replay the step returns its recorded result without running, so the
 * variable keeps its old value.
 */
import type { TS, TSApi } from "./ts-types.ts";

const MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "set", "add", "delete", "clear"]);

export interface CapturedWrite {
  node: TS.Node;
  variable: string;
  /** The alias written through, when not the variable itself. */
  alias?: string;
}

export function capturedWrites(ts: TSApi, checker: TS.TypeChecker, stepFn: TS.Node, durableBody: TS.Node): CapturedWrite[] {
  const out: CapturedWrite[] = [];
  const inside = (n: TS.Node, outer: TS.Node) => n.pos >= outer.pos && n.end <= outer.end && n.getSourceFile() === outer.getSourceFile();

  /** The durable-body variable an expression's root stands for, following `const` aliases in the step. */
  const rootVariable = (e: TS.Expression, hops = 0): { sym: TS.Symbol; alias?: string } | undefined => {
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    if (!ts.isIdentifier(e)) return undefined;
    const sym = checker.getSymbolAtLocation(e);
    const d = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!sym || !d) return undefined;
    if (inside(d, stepFn)) {
      // A local of the step: an alias when it is a const initialised from a captured value.
      if (hops < 4 && ts.isVariableDeclaration(d) && d.initializer && (ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) !== 0) {
        const target = rootVariable(d.initializer, hops + 1);
        return target ? { sym: target.sym, alias: e.text } : undefined;
      }
      return undefined;
    }
    return inside(d, durableBody) ? { sym } : undefined;
  };

  const record = (node: TS.Node, target: TS.Expression, whole: boolean) => {
    // `x = ...` on a step's own local is fine; `o.x = ...` writes into what `o` holds.
    const root = rootVariable(target);
    if (!root) return;
    if (whole && root.alias && (ts.isIdentifier(target) || ts.isParenthesizedExpression(target))) return;
    out.push({ node, variable: root.sym.getName(), ...(root.alias !== undefined && { alias: root.alias }) });
  };

  const isAssignment = (k: TS.SyntaxKind) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
  const visit = (n: TS.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) record(n, n.left, true);
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) record(n, n.operand, true);
    else if (ts.isDeleteExpression(n)) record(n, n.expression, false);
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && MUTATORS.has(n.expression.name.text)) record(n, n.expression.expression, false);
    ts.forEachChild(n, visit);
  };
  visit(stepFn);
  return out;
}
