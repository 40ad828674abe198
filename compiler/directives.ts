/**
 * Finds the functions that carry "use durable" / "use step" (function-level or via a module-level
 * directive) and reports malformed directives (UD101-UD105, UD107). It decides nothing about calls.
 */
import { DIRECTIVE, type DirectiveKind } from "./specifiers.ts";
import type { DiagnosticSink } from "./diagnostics.ts";
import { linkChild, linkSubtree, type TS } from "./typescript.ts";

export type FnNode = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

export interface FnInfo {
  node: FnNode;
  kind: DirectiveKind;
  /** The function's own name: declared name, variable/property, `Class.method`, or `default`. */
  name: string;
  form: "declaration" | "expression" | "object-method" | "class-method";
  exported: boolean;
  /** The class name for class methods (`C` in `C.prototype.m`). */
  className?: string;
  isStatic?: boolean;
  /** Offset right after the directive prologue of the body (where temporaries may be declared). */
  prologueEnd: number;
}

const KNOWN_OTHER = new Set(["use strict", "use client", "use server", "use cache", "use asm"]);
/** Vercel Workflow's directive for what use-durable calls "use durable" (its "use step" is ours too). */
const VERCEL_WORKFLOW = "use workflow";

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, dp[i - 2]![j - 2]! + 1);
      dp[i]![j] = v;
    }
  return dp[a.length]![b.length]!;
}

/** The directive a misspelling most likely meant, or undefined if the string is not close to one. */
export function suggestDirective(text: string): DirectiveKind | undefined {
  if (KNOWN_OTHER.has(text) || text === DIRECTIVE.durable || text === DIRECTIVE.step) return undefined;
  const squashed = text.toLowerCase().replace(/[\s_-]+/g, " ").trim();
  if (squashed === VERCEL_WORKFLOW) return "durable";
  if (squashed === DIRECTIVE.durable || squashed.replace(/ /g, "") === "usedurable") return "durable";
  if (squashed === DIRECTIVE.step || squashed.replace(/ /g, "") === "usestep") return "step";
  if (!squashed.startsWith("use") && !squashed.startsWith("us")) return undefined;
  const toDurable = distance(squashed, DIRECTIVE.durable);
  const toStep = distance(squashed, DIRECTIVE.step);
  if (toDurable <= 2 && toDurable <= toStep) return "durable";
  if (toStep <= 2) return "step";
  return undefined;
}

interface Prologue {
  kinds: Array<{ kind: DirectiveKind; node: TS.Node }>;
  end: number;
}

/** Reads the directive prologue of a statement list, reporting misspelt and misplaced directives. */
function readPrologue(ts: typeof TS, sf: TS.SourceFile, statements: readonly TS.Statement[], start: number, sink: DiagnosticSink): Prologue {
  const kinds: Prologue["kinds"] = [];
  let end = start;
  let inPrologue = true;
  for (const stmt of statements) {
    const text = ts.isExpressionStatement(stmt) && ts.isStringLiteral(stmt.expression) ? stmt.expression.text : undefined;
    if (text === undefined) {
      inPrologue = false;
      continue;
    }
    const exact = text === DIRECTIVE.durable ? "durable" : text === DIRECTIVE.step ? "step" : undefined;
    if (inPrologue) {
      end = stmt.end;
      if (exact) kinds.push({ kind: exact, node: stmt });
      else {
        const meant = suggestDirective(text);
        const from = text.toLowerCase().trim() === VERCEL_WORKFLOW ? " (Vercel Workflow's directive; here durable functions are marked \"use durable\")" : "";
        if (meant) sink.report("UD101", `Unknown directive "${text}"${from}. Did you mean "${DIRECTIVE[meant]}"?`, stmt.getStart(sf), stmt.end);
      }
    } else if (exact) {
      sink.report("UD103", `"${text}" is not the first statement of its function or module, so it is ignored.`, stmt.getStart(sf), stmt.end);
    }
  }
  return { kinds, end };
}

function propertyNameText(ts: typeof TS, sf: TS.SourceFile, name: TS.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return name.getText(sf);
}

function hasModifier(ts: typeof TS, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === kind) ?? false;
}

function nameOf(ts: typeof TS, sf: TS.SourceFile, fn: FnNode): Pick<FnInfo, "name" | "form" | "className" | "isStatic"> {
  if (ts.isFunctionDeclaration(fn)) return { name: fn.name?.text ?? "default", form: "declaration" };
  if (ts.isMethodDeclaration(fn)) {
    const member = propertyNameText(ts, sf, fn.name);
    if (ts.isClassLike(fn.parent)) {
      const className = fn.parent.name?.text ?? "";
      return { name: `${className || "anonymous"}.${member}`, form: "class-method", className, isStatic: hasModifier(ts, fn, ts.SyntaxKind.StaticKeyword) };
    }
    return { name: member, form: "object-method" };
  }
  let parent = fn.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) parent = parent.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return { name: parent.name.text, form: "expression" };
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return { name: propertyNameText(ts, sf, parent.name), form: "expression" };
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === fn) return { name: parent.left.getText(sf).replace(/\s+/g, ""), form: "expression" };
  if (ts.isExportAssignment(parent)) return { name: "default", form: "expression" };
  if (ts.isFunctionExpression(fn) && fn.name) return { name: fn.name.text, form: "expression" };
  return { name: "anonymous", form: "expression" };
}

function isExported(ts: typeof TS, fn: FnNode, exportedNames: ReadonlySet<string>): boolean {
  if (ts.isFunctionDeclaration(fn)) return hasModifier(ts, fn, ts.SyntaxKind.ExportKeyword) || (!!fn.name && exportedNames.has(fn.name.text));
  let parent = fn.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) parent = parent.parent;
  if (ts.isExportAssignment(parent)) return true;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const stmt = parent.parent.parent;
    return (ts.isVariableStatement(stmt) && hasModifier(ts, stmt, ts.SyntaxKind.ExportKeyword)) || exportedNames.has(parent.name.text);
  }
  return false;
}

function exportedLocalNames(ts: typeof TS, sf: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const stmt of sf.statements)
    if (ts.isExportDeclaration(stmt) && !stmt.moduleSpecifier && stmt.exportClause && ts.isNamedExports(stmt.exportClause))
      for (const el of stmt.exportClause.elements) names.add((el.propertyName ?? el.name).text);
  return names;
}

function isTopLevel(ts: typeof TS, fn: FnNode, sf: TS.SourceFile): boolean {
  if (ts.isFunctionDeclaration(fn)) return fn.parent === sf;
  let parent = fn.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) parent = parent.parent;
  if (ts.isExportAssignment(parent)) return true;
  return ts.isVariableDeclaration(parent) && parent.parent.parent.parent === sf;
}

// Any case: "Use Durable" is a misspelling too.
const DIRECTIVE_LIKE = /(["'])\s*use[\s_-]*[a-zA-Z]+\s*\1/gi;

/** Offsets of string literals that look like a directive ("use durable", "use durabel", "use-step", ...). */
function directiveLikeStrings(code: string): number[] {
  const out: number[] = [];
  DIRECTIVE_LIKE.lastIndex = 0;
  for (let m = DIRECTIVE_LIKE.exec(code); m; m = DIRECTIVE_LIKE.exec(code)) if (!KNOWN_OTHER.has(m[0].slice(1, -1))) out.push(m.index);
  return out;
}

function isFunctionWithBody(ts: typeof TS, node: TS.Node): node is TS.FunctionLikeDeclaration {
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && node.body !== undefined;
}

/** The function whose body has, as a statement, the string literal starting at `offset`. */
function functionOfDirectiveAt(ts: typeof TS, sf: TS.SourceFile, offset: number): TS.FunctionLikeDeclaration | undefined {
  let node: TS.Node = sf;
  for (;;) {
    const next: TS.Node | undefined = ts.forEachChild(node, (c) => (c.pos <= offset && offset < c.end ? c : undefined));
    if (!next) break;
    linkChild(next, node);
    node = next;
  }
  if (!ts.isStringLiteral(node) || node.getStart(sf) !== offset || !ts.isExpressionStatement(node.parent)) return undefined;
  const block = node.parent.parent;
  return ts.isBlock(block) && isFunctionWithBody(ts, block.parent) && block.parent.body === block ? block.parent : undefined;
}

/** Functions a module-level directive can apply to: top-level declarations and initialisers. */
function topLevelFunctions(ts: typeof TS, sf: TS.SourceFile): TS.FunctionLikeDeclaration[] {
  const out: TS.FunctionLikeDeclaration[] = [];
  const unwrap = (e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) ? unwrap(e.expression) : e);
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.body) out.push(s);
    else if (ts.isExportAssignment(s)) {
      const e = unwrap(s.expression);
      if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) out.push(e);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        const e = d.initializer && unwrap(d.initializer);
        if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) out.push(e);
      }
    }
  }
  return out;
}

export interface DirectiveScan {
  fns: Map<TS.Node, FnInfo>;
  moduleKind?: DirectiveKind;
  /** Offset after the module's directive prologue. */
  modulePrologueEnd: number;
}

export function scanDirectives(ts: typeof TS, sf: TS.SourceFile, sink: DiagnosticSink): DirectiveScan {
  const fns = new Map<TS.Node, FnInfo>();
  for (const statement of sf.statements) linkChild(statement, sf);
  const modulePrologue = readPrologue(ts, sf, sf.statements, 0, sink);
  const moduleKinds = new Set(modulePrologue.kinds.map((k) => k.kind));
  if (moduleKinds.size > 1) {
    const first = modulePrologue.kinds[0]!.node;
    sink.report("UD104", `The module has both "use durable" and "use step".`, first.getStart(sf), first.end);
  }
  const moduleKind = moduleKinds.size === 1 ? modulePrologue.kinds[0]!.kind : undefined;
  const exportedNames = exportedLocalNames(ts, sf);

  const checkFunction = (node: TS.FunctionLikeDeclaration): void => {
    const body = node.body;
    if (body && ts.isBlock(body)) check(node, readPrologue(ts, sf, body.statements, body.getStart(sf) + 1, sink));
    else if (body && moduleKind) check(node, { kinds: [], end: body.getStart(sf) });
  };

  const check = (node: TS.FunctionLikeDeclaration, prologue: Prologue): void => {
    const label = nameOf(ts, sf, node as FnNode).name;
    const kinds = new Set(prologue.kinds.map((k) => k.kind));
    let kind: DirectiveKind | undefined = kinds.size === 1 ? prologue.kinds[0]!.kind : undefined;
    const at = prologue.kinds[0]?.node ?? node;
    const isFn = ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
    const isAsync = hasModifier(ts, node, ts.SyntaxKind.AsyncKeyword);
    const fromModule = !kind && moduleKind && isFn && isAsync && !node.asteriskToken && isTopLevel(ts, node as FnNode, sf) && isExported(ts, node as FnNode, exportedNames);
    if (kinds.size > 1) {
      sink.report("UD104", `\`${label}\` has both "use durable" and "use step".`, at.getStart(sf), at.end);
      return;
    }
    if (fromModule) kind = moduleKind;
    if (!kind) return;
    const directive = DIRECTIVE[kind];
    if (node.asteriskToken) {
      sink.report("UD105", `"${directive}" on a generator \`${label}\`.`, node.getStart(sf), node.body?.getStart(sf) ?? node.end);
      return;
    }
    if (!isFn || !isAsync) {
      sink.report("UD102", `"${directive}" on a function that is not async: \`${label}\`.`, node.getStart(sf), node.body?.getStart(sf) ?? node.end);
      return;
    }
    const fn = node as FnNode;
    const info: FnInfo = { node: fn, kind, ...nameOf(ts, sf, fn), exported: isExported(ts, fn, exportedNames), prologueEnd: prologue.end };
    if (info.form === "class-method" && (!info.className || ts.isPrivateIdentifier((fn as TS.MethodDeclaration).name) || !ts.isClassDeclaration(fn.parent))) {
      sink.report("UD107", `"${directive}" on \`${info.name}\`: a method of an anonymous class or class expression, or a #private method.`, fn.getStart(sf), (fn.body ?? fn).getStart(sf));
      return;
    }
    fns.set(fn, info);
  };

  // Only functions whose body holds a directive-like string are read (found by position, not by
  // walking the whole tree), plus the exported top-level functions when the module has a directive.
  const candidates = new Set<TS.FunctionLikeDeclaration>();
  for (const offset of directiveLikeStrings(sf.text)) {
    const fn = functionOfDirectiveAt(ts, sf, offset);
    if (fn) candidates.add(fn);
  }
  if (moduleKind) {
    // Rare: every exported function may be durable, so every part of the file may be read.
    linkSubtree(ts, sf);
    for (const fn of topLevelFunctions(ts, sf)) candidates.add(fn);
  }
  // Only the path to each directive is linked here: the walks of the bodies link the rest as they go.
  for (const fn of [...candidates].sort((a, b) => a.pos - b.pos)) checkFunction(fn);
  return { fns, ...(moduleKind ? { moduleKind } : {}), modulePrologueEnd: modulePrologue.end };
}
