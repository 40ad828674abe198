/**
 * What an identifier refers to: module bindings (imports, marked functions) and a lexical check for
 * local declarations that shadow them. Syntactic only; no type checker.
 */
import type { FnInfo } from "./directives.ts";
import type { TS } from "./typescript.ts";

export type ModuleBinding =
  | { kind: "import"; source: string; imported: string /* "*" for namespace, "default" */ }
  | { kind: "function"; fn?: FnInfo }
  /** `members`: for an object literal, its step / durable methods; `external`: built by `new` or a call. */
  | { kind: "variable"; fn?: FnInfo; members?: Map<string, FnInfo>; external?: boolean }
  | { kind: "class" };

export function collectNames(ts: typeof TS, name: TS.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(ts, el.name, out);
  return out;
}

function unwrap(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function moduleBindings(ts: typeof TS, sf: TS.SourceFile, fns: ReadonlyMap<TS.Node, FnInfo>): Map<string, ModuleBinding> {
  const out = new Map<string, ModuleBinding>();
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause) {
      const source = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      if (clause.name) out.set(clause.name.text, { kind: "import", source, imported: "default" });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, { kind: "import", source, imported: "*" });
      if (nb && ts.isNamedImports(nb))
        for (const el of nb.elements) out.set(el.name.text, { kind: "import", source, imported: (el.propertyName ?? el.name).text });
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name) {
      const fn = fns.get(stmt);
      out.set(stmt.name.text, fn ? { kind: "function", fn } : { kind: "function" });
    } else if (ts.isClassDeclaration(stmt) && stmt.name) {
      out.set(stmt.name.text, { kind: "class" });
    } else if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.initializer) {
          const init = unwrap(ts, decl.initializer);
          const fn = fns.get(init);
          const isFn = ts.isArrowFunction(init) || ts.isFunctionExpression(init);
          if (fn) out.set(decl.name.text, { kind: "variable", fn });
          else if (isFn) out.set(decl.name.text, { kind: "function" });
          else if (ts.isObjectLiteralExpression(init)) out.set(decl.name.text, { kind: "variable", members: objectMembers(ts, init, fns) });
          else if (ts.isIdentifier(init) && out.get(init.text)?.kind !== undefined) out.set(decl.name.text, aliasOf(out.get(init.text)!));
          else out.set(decl.name.text, { kind: "variable", external: ts.isNewExpression(init) || ts.isCallExpression(init) || ts.isAwaitExpression(init) });
        } else for (const n of collectNames(ts, decl.name)) out.set(n, { kind: "variable" });
      }
    }
  }
  return out;
}

/** `const pay = chargeCard;` is `chargeCard` (a step stays a step under another name). */
function aliasOf(target: ModuleBinding): ModuleBinding {
  return target.kind === "function" ? { kind: "variable", ...(target.fn ? { fn: target.fn } : {}) } : target;
}

function objectMembers(ts: typeof TS, obj: TS.ObjectLiteralExpression, fns: ReadonlyMap<TS.Node, FnInfo>): Map<string, FnInfo> {
  const members = new Map<string, FnInfo>();
  for (const p of obj.properties) {
    const fn = ts.isMethodDeclaration(p) ? fns.get(p) : ts.isPropertyAssignment(p) ? fns.get(unwrap(ts, p.initializer)) : undefined;
    if (fn && p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) members.set(p.name.text, fn);
  }
  return members;
}

const EMPTY: ReadonlySet<string> = new Set();
// Names each scope node declares, computed once per node: lookups run for every call in a body.
const declared = new WeakMap<TS.Node, ReadonlySet<string>>();

let SK: typeof TS.SyntaxKind | undefined;

function isScope(ts: typeof TS, node: TS.Node): boolean {
  const K = (SK ??= ts.SyntaxKind);
  switch (node.kind) {
    case K.Block: case K.CaseClause: case K.DefaultClause: case K.ModuleBlock:
    case K.ForStatement: case K.ForOfStatement: case K.ForInStatement: case K.CatchClause:
    case K.FunctionDeclaration: case K.FunctionExpression: case K.ArrowFunction: case K.MethodDeclaration:
    case K.Constructor: case K.GetAccessor: case K.SetAccessor:
      return true;
    default:
      return false;
  }
}

function scopeNames(ts: typeof TS, cur: TS.Node): ReadonlySet<string> {
  if (!isScope(ts, cur)) return EMPTY;
  const cached = declared.get(cur);
  if (cached) return cached;
  const names: string[] = [];
  if (ts.isFunctionLike(cur)) {
    for (const p of cur.parameters) collectNames(ts, p.name, names);
    if ((ts.isFunctionExpression(cur) || ts.isClassExpression(cur)) && cur.name) names.push(cur.name.text);
  } else if (ts.isBlock(cur) || ts.isCaseClause(cur) || ts.isDefaultClause(cur) || ts.isModuleBlock(cur)) {
    for (const s of cur.statements) {
      if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.push(s.name.text);
      if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collectNames(ts, d.name, names);
    }
  } else if ((ts.isForStatement(cur) || ts.isForOfStatement(cur) || ts.isForInStatement(cur)) && cur.initializer && ts.isVariableDeclarationList(cur.initializer)) {
    for (const d of cur.initializer.declarations) collectNames(ts, d.name, names);
  } else if (ts.isCatchClause(cur) && cur.variableDeclaration) {
    collectNames(ts, cur.variableDeclaration.name, names);
  }
  const set = names.length ? new Set(names) : EMPTY;
  declared.set(cur, set);
  return set;
}

/** True when `name` is declared between `node` and the module scope (a local that shadows a module binding). */
export function isLocal(ts: typeof TS, name: string, node: TS.Node): boolean {
  let cur: TS.Node | undefined = node.parent;
  for (; cur && !ts.isSourceFile(cur); cur = cur.parent) if (scopeNames(ts, cur).has(name)) return true;
  // Parents are linked lazily (typescript.ts): a broken chain would silently miss a shadowing local.
  if (!cur) throw new Error(`scope lookup of \`${name}\` from a node whose parents are not linked`);
  return false;
}

/** True when `name` is declared inside `boundary` (at or below it) on the way up from `node`. */
export function isDeclaredWithin(ts: typeof TS, name: string, node: TS.Node, boundary: TS.Node): boolean {
  for (let cur: TS.Node | undefined = node; cur && cur !== boundary.parent; cur = cur.parent) {
    if (scopeNames(ts, cur).has(name)) return true;
    if (cur === boundary) break;
  }
  return false;
}
