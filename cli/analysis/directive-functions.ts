/**
 * Which functions are durable or steps, read from the AST the way compiler/directives.ts decides it
 * (a directive first in an async body, or the module directive on an exported async function), for
 * any declaration the checker resolves a callee to, in any file of the program. Reads; reports nothing.
 */
import type { TS, TSApi } from "./ts-types.ts";

export type DirectiveKind = "durable" | "step";
export type FunctionLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

const DIRECTIVES: Record<string, DirectiveKind> = { "use durable": "durable", "use step": "step" };

function prologue(ts: TSApi, statements: readonly TS.Statement[]): DirectiveKind | undefined {
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return undefined;
    const kind = DIRECTIVES[s.expression.text];
    if (kind) return kind;
  }
  return undefined;
}

const isAsync = (ts: TSApi, fn: FunctionLike) => (ts.getCombinedModifierFlags(fn as TS.Declaration) & ts.ModifierFlags.Async) !== 0 && !fn.asteriskToken;

export function isFunctionLike(ts: TSApi, n: TS.Node): n is FunctionLike {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n);
}

function isExported(ts: TSApi, fn: FunctionLike): boolean {
  const has = (n: TS.Node) => (ts.getCombinedModifierFlags(n as TS.Declaration) & ts.ModifierFlags.Export) !== 0;
  if (ts.isFunctionDeclaration(fn)) return has(fn);
  const p = fn.parent;
  if (ts.isVariableDeclaration(p)) return has(p);
  return ts.isExportAssignment(p);
}

/** The directive that makes `fn` durable or a step, if any. */
export function directiveOf(ts: TSApi, fn: FunctionLike): DirectiveKind | undefined {
  if (!isAsync(ts, fn) || !fn.body) return undefined;
  if (ts.isBlock(fn.body)) {
    const own = prologue(ts, fn.body.statements);
    if (own) return own;
  }
  if (ts.isMethodDeclaration(fn) || !isExported(ts, fn)) return undefined;
  return prologue(ts, fn.getSourceFile().statements);
}

/** The name a function goes by: declared, the variable or property it is assigned to, or `default`. */
export function functionName(ts: TSApi, fn: FunctionLike): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) {
    if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) && fn.parent.name) return `${fn.parent.name.text}.${fn.name.text}`;
    return fn.name.text;
  }
  const p = fn.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isExportAssignment(p) || ts.isFunctionDeclaration(fn)) return "default";
  return "anonymous";
}

export interface MarkedFunction {
  node: FunctionLike;
  kind: DirectiveKind;
  name: string;
}

/** Every durable and step function of a file, outermost first. */
export function markedFunctions(ts: TSApi, sf: TS.SourceFile): MarkedFunction[] {
  const out: MarkedFunction[] = [];
  const visit = (n: TS.Node): void => {
    if (isFunctionLike(ts, n)) {
      const kind = directiveOf(ts, n);
      if (kind) out.push({ node: n, kind, name: functionName(ts, n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
