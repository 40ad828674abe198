/**
 * What one module exports, as far as call sites in other modules care: which exports are step
 * functions, durable functions or plain functions, and which names it re-exports from where.
 * `summarizeExports` reads one module's text; exports-link.ts follows the re-exports through a loader
 * the caller provides (the plugin resolves and reads files; compile() never does).
 *
 * Owns: the summary shapes and the rules for what counts as a step / durable / plain export.
 * Never: touches the file system, resolves specifiers, or calls a name a step unless its own module
 * says so with a directive (a wrong "step" would checkpoint a plain function; a missing one only
 * leaves the call to run-time dispatch).
 */
import { mayHaveDirective } from "./prefilter.ts";
import { DIRECTIVE, RT, type DirectiveKind } from "./specifiers.ts";
import { parse, type TS } from "./typescript.ts";

/** `function`: a function this module defines without a directive (plain: not checkpointed). */
export type ExportKind = DirectiveKind | "function";

/** An exported object literal is summarised by its step and durable methods (`payments.charge(x)`). */
export type LocalExport = ExportKind | { namespace: Readonly<Record<string, DirectiveKind>> };

export interface ExportsSummary {
  /** Exports defined in this module, by exported name (`default` for the default export). */
  exports: Record<string, LocalExport>;
  /** `export { a as b } from "./y"` -> `b: { from: "./y", name: "a" }`; `export * as ns` -> name `*`. */
  reexports: Record<string, { from: string; name: string }>;
  /** `export * from "./y"`, in source order. */
  star: string[];
}

const RE_EXPORT_HINT = /\bexport\s*(?:type\s*)?(?:\*|\{|default\s+[A-Za-z_$])/;
const FROM = /\bfrom\s*["']([^"'\n]+)["']/g;
const PLAIN_FN = /\bexport\s+(default\s+)?(?:async\s+)?function\b\s*\*?\s*([A-Za-z_$][\w$]*)?/g;
const PLAIN_CONST_FN = /\bexport\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]*)?=\s*(?:async\b\s*)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/g;

function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * The specifiers a module imports or re-exports from (`... from "x"`), by a text scan: it may list a
 * specifier that only appears in a comment, which costs a resolution that is then unused.
 */
export function importSpecifiers(code: string): string[] {
  const out = new Set<string>();
  FROM.lastIndex = 0;
  for (let m = FROM.exec(code); m; m = FROM.exec(code)) out.add(m[1]!);
  return [...out];
}

/** Summarises one module. Cheap without a directive or a re-export: a few regex scans, no parse. */
export function summarizeExports(code: string, id: string): ExportsSummary {
  // configureStep(f, ...) tags a plain f as a step at run time: read such a module properly too.
  if (!mayHaveDirective(code) && !RE_EXPORT_HINT.test(code) && !code.includes("configureStep")) return plainSummary(code);
  const { ts, sourceFile, syntaxErrors } = parse(code, id);
  // A module that does not parse compiles to nothing: none of its exports is known.
  if (syntaxErrors.length > 0) return { exports: record(), reexports: record(), star: [] };
  return summarizeParsed(ts, sourceFile);
}

/** A module without any directive defines only plain functions; which ones, a text scan can tell. */
function plainSummary(code: string): ExportsSummary {
  const exports = record<ExportKind>();
  PLAIN_FN.lastIndex = 0;
  for (let m = PLAIN_FN.exec(code); m; m = PLAIN_FN.exec(code)) {
    const name = m[1] ? "default" : m[2];
    if (name) exports[name] = "function";
  }
  PLAIN_CONST_FN.lastIndex = 0;
  for (let m = PLAIN_CONST_FN.exec(code); m; m = PLAIN_CONST_FN.exec(code)) exports[m[1]!] = "function";
  return { exports, reexports: record(), star: [] };
}

function prologueKinds(ts: typeof TS, statements: readonly TS.Statement[]): Set<DirectiveKind> {
  const kinds = new Set<DirectiveKind>();
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) break;
    if (s.expression.text === DIRECTIVE.durable) kinds.add("durable");
    else if (s.expression.text === DIRECTIVE.step) kinds.add("step");
  }
  return kinds;
}

function unwrap(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function hasModifier(ts: typeof TS, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === kind) ?? false;
}

type FnLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction;

function summarizeParsed(ts: typeof TS, sf: TS.SourceFile): ExportsSummary {
  const moduleKinds = prologueKinds(ts, sf.statements);
  // Both module directives is an error in that module (UD104): none of its functions is compiled.
  const moduleKind = moduleKinds.size === 1 ? [...moduleKinds][0] : undefined;
  // What the compiler would make of the function, mirroring directives.ts: only a well-formed async,
  // non-generator function with exactly one directive is registered as a step or durable function.
  // Already compiled (a library built with use-durable): `__ud.registerStep(f, meta);` after each
  // declaration says what f is (its module directive no longer leads the module there).
  const registered = new Map<string, DirectiveKind>();
  // `configureStep(f, ...)` at the top level tags f as a step at run time, directive or not: such an f
  // is left unknown (dispatched, where the tag decides), never called plain.
  const configured = new Set<string>();
  for (const stmt of sf.statements) {
    const configuredFn = ts.isExpressionStatement(stmt) ? configureStepTarget(ts, stmt.expression) : undefined;
    if (configuredFn) configured.add(configuredFn);
    const wrapper = ts.isExpressionStatement(stmt) ? wrapperOf(ts, stmt.expression) : undefined;
    const target = wrapper && (stmt as TS.ExpressionStatement & { expression: TS.CallExpression }).expression.arguments[0];
    if (target && ts.isIdentifier(target) && (wrapper === RT.registerStep || wrapper === RT.registerDurable)) registered.set(target.text, wrapper === RT.registerStep ? "step" : "durable");
  }
  const kindOf = (fn: FnLike, exported: boolean): ExportKind => {
    const compiled = ts.isFunctionDeclaration(fn) && fn.name ? registered.get(fn.name.text) : undefined;
    if (compiled) return compiled;
    const body = fn.body;
    // Already compiled (a library built with use-durable): the body is `return __ud.enterDurable(...)`.
    const first = body && ts.isBlock(body) ? body.statements[0] : undefined;
    if (first && ts.isReturnStatement(first) && first.expression && wrapperOf(ts, first.expression) === RT.enterDurable) return "durable";
    const own = body && ts.isBlock(body) ? prologueKinds(ts, body.statements) : new Set<DirectiveKind>();
    const kind = own.size === 1 ? [...own][0] : own.size === 0 && exported ? moduleKind : undefined;
    const ok = hasModifier(ts, fn, ts.SyntaxKind.AsyncKeyword) && !fn.asteriskToken;
    return kind && ok ? kind : "function";
  };
  const exports = record<LocalExport>();
  const reexports = record<{ from: string; name: string }>();
  const star: string[] = [];
  const imports = new Map<string, { from: string; name: string }>();
  const locals = new Map<string, FnLike>();
  // `byModule`: whether a module directive reaches the function (`export { f }` yes, `export default f` no).
  const localExports: Array<[exported: string, local: string, byModule: boolean]> = [];
  const localOf = new Map<string, string>();

  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause && !stmt.importClause.isTypeOnly) {
      const from = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      if (clause.name) imports.set(clause.name.text, { from, name: "default" });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) imports.set(nb.name.text, { from, name: "*" });
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) imports.set(el.name.text, { from, name: (el.propertyName ?? el.name).text });
    } else if (ts.isFunctionDeclaration(stmt) && stmt.body) {
      const exported = hasModifier(ts, stmt, ts.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(ts, stmt, ts.SyntaxKind.DefaultKeyword);
      if (stmt.name) locals.set(stmt.name.text, stmt);
      const name = isDefault ? "default" : stmt.name?.text ?? "default";
      if (exported) exports[name] = kindOf(stmt, true);
      if (exported && stmt.name) localOf.set(name, stmt.name.text);
    } else if (ts.isVariableStatement(stmt)) {
      const exported = hasModifier(ts, stmt, ts.SyntaxKind.ExportKeyword);
      for (const d of stmt.declarationList.declarations) {
        const init = d.initializer && unwrap(ts, d.initializer);
        // Already compiled: `export const f = __ud.durable(async () => {...}, meta)` / `__ud.registerStep(...)`.
        const wrapper = init && wrapperOf(ts, init);
        if (exported && ts.isIdentifier(d.name) && (wrapper === RT.durable || wrapper === RT.registerStep)) exports[d.name.text] = wrapper === RT.durable ? "durable" : "step";
        if (exported && ts.isIdentifier(d.name) && init && ts.isObjectLiteralExpression(init)) {
          const members = objectMembers(ts, init, (fn) => kindOf(fn, false));
          if (Object.keys(members).length > 0) exports[d.name.text] = { namespace: members };
        }
        if (!ts.isIdentifier(d.name) || !init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
        locals.set(d.name.text, init);
        if (exported) exports[d.name.text] = kindOf(init, true);
        if (exported) localOf.set(d.name.text, d.name.text);
      }
    } else if (ts.isExportAssignment(stmt) && !stmt.isExportEquals) {
      const e = unwrap(ts, stmt.expression);
      const wrapper = wrapperOf(ts, e);
      if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) exports.default = kindOf(e, true);
      else if (ts.isIdentifier(e)) localExports.push(["default", e.text, false]);
      else if (wrapper === RT.durable || wrapper === RT.registerStep) exports.default = wrapper === RT.durable ? "durable" : "step";
    } else if (ts.isExportDeclaration(stmt) && !stmt.isTypeOnly) {
      const from = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      const clause = stmt.exportClause;
      if (from !== undefined && !clause) star.push(from);
      else if (from !== undefined && clause && ts.isNamespaceExport(clause)) reexports[clause.name.text] = { from, name: "*" };
      else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) {
          if (el.isTypeOnly) continue;
          const local = (el.propertyName ?? el.name).text;
          if (from !== undefined) reexports[el.name.text] = { from, name: local };
          else localExports.push([el.name.text, local, true]);
        }
      }
    }
  }
  // `export { f }` / `export default f` name a local function or an import (a re-export in effect).
  for (const [exported, local, byModule] of localExports) {
    const fn = locals.get(local);
    const imported = imports.get(local);
    if (fn) exports[exported] = kindOf(fn, byModule);
    if (fn) localOf.set(exported, local);
    else if (imported) reexports[exported] = imported;
  }
  for (const [exported, local] of localOf) if (exports[exported] === "function" && configured.has(local)) delete exports[exported];
  return { exports, reexports, star };
}

/** `f` for `configureStep(f, ...)` / `d.configureStep(f, ...)`. */
function configureStepTarget(ts: typeof TS, e: TS.Expression): string | undefined {
  if (!ts.isCallExpression(e)) return undefined;
  const callee = e.expression;
  const named = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  const first = e.arguments[0];
  return named === "configureStep" && first && ts.isIdentifier(first) ? first.text : undefined;
}

/**
 * The step and durable methods of an object literal, as the compiler finds them (scope.ts): methods
 * and function-valued properties with their own directive (a module directive does not reach them),
 * or, compiled, properties wrapped in `__ud.registerStep` / `__ud.durable`.
 */
function objectMembers(ts: typeof TS, obj: TS.ObjectLiteralExpression, kindOf: (fn: FnLike) => ExportKind): Record<string, DirectiveKind> {
  const members = record<DirectiveKind>();
  for (const p of obj.properties) {
    if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
    let kind: ExportKind | undefined;
    if (ts.isMethodDeclaration(p) && p.body && !p.asteriskToken) {
      const own = prologueKinds(ts, p.body.statements);
      kind = own.size === 1 && hasModifier(ts, p, ts.SyntaxKind.AsyncKeyword) ? [...own][0] : undefined;
    } else if (ts.isPropertyAssignment(p)) {
      const init = unwrap(ts, p.initializer);
      const wrapper = wrapperOf(ts, init);
      if (wrapper === RT.registerStep || wrapper === RT.durable) kind = wrapper === RT.durable ? "durable" : "step";
      else if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) kind = kindOf(init);
    }
    if (kind === "step" || kind === "durable") members[p.name.text] = kind;
  }
  return members;
}

/** `__ud.durable` for a call `__ud.durable(...)`: how compiled code wraps its functions. */
function wrapperOf(ts: typeof TS, e: TS.Expression): string | undefined {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !ts.isIdentifier(e.expression.expression)) return undefined;
  return `${e.expression.expression.text}.${e.expression.name.text}`;
}
