/**
 * Classifies the callee of a call inside a durable body: statically a step, a durable function or an
 * intrinsic; unknown (dispatched at run time by tag); or known not durable (pure, or a hazard when
 * awaited). Pure lookup: no edits here.
 */
import type { ImportedExport, ImportedModule } from "./exports-link.ts";
import { PUBLIC_SPECIFIER } from "./specifiers.ts";
import { isLocal, type ModuleBinding } from "./scope.ts";
import type { TS } from "./typescript.ts";

export const INTRINSICS = ["sleep", "step", "createCallback", "waitForCallback", "waitForCondition", "invoke", "map", "parallel", "context", "patched"] as const;
export type Intrinsic = (typeof INTRINSICS)[number];
const INTRINSIC_SET: ReadonlySet<string> = new Set(INTRINSICS);

export type CalleeKind =
  | { kind: "step" }
  | { kind: "durable" }
  | { kind: "intrinsic"; op: Intrinsic }
  /** Not known statically: dispatched at run time when awaited. `warn`: likely an external side effect. */
  | { kind: "unknown"; warn: boolean }
  /** Known not durable; `warn` when awaiting it re-runs a side effect on replay. */
  | { kind: "plain"; warn: boolean };

const PURE_GLOBAL_OBJECTS = new Set(["Promise", "JSON", "Object", "Array", "Math", "Number", "String", "Boolean", "Symbol", "Reflect", "BigInt", "console", "Intl", "Buffer"]);
const PURE_GLOBAL_FNS = new Set(["structuredClone", "String", "Number", "Boolean", "BigInt", "Symbol", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "queueMicrotask", "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "require"]);

export interface Resolver {
  ts: typeof TS;
  bindings: ReadonlyMap<string, ModuleBinding>;
  steps: ReadonlySet<string>;
  /** Summaries of imported modules (CompileOptions.imports), by specifier; absent: dispatched. */
  imports?: ReadonlyMap<string, ImportedModule>;
}

function isLiteral(ts: typeof TS, e: TS.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e) || ts.isNumericLiteral(e) || ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e) || ts.isRegularExpressionLiteral(e);
}

function isRelative(source: string): boolean {
  return source.startsWith(".") || source.startsWith("/");
}

function isStepsModule(r: Resolver, source: string): boolean {
  return r.steps.has(source) || r.steps.has(source.replace(/\.[cm]?[jt]sx?$/, ""));
}

function exportOf(mod: ImportedModule, name: string): ImportedExport | undefined {
  return Object.hasOwn(mod, name) ? mod[name] : undefined;
}

/**
 * A callee imported from a summarised module: its step and durable exports are static calls; a plain
 * function stays dispatched (a tag may still be added by hand) but is flagged as a hazard when awaited.
 */
function fromSummary(mod: ImportedModule, imported: string, member: string | undefined): CalleeKind | undefined {
  let e: ImportedExport | undefined = imported === "*" ? { namespace: mod } : exportOf(mod, imported);
  if (member !== undefined) e = e !== undefined && typeof e === "object" ? exportOf(e.namespace, member) : undefined;
  if (e === "step" || e === "durable") return { kind: e };
  if (e === "function") return { kind: "unknown", warn: true };
  return undefined;
}

function fromBinding(r: Resolver, binding: ModuleBinding | undefined, member: string | undefined): CalleeKind {
  if (!binding) return { kind: "plain", warn: true }; // an undeclared global such as fetch
  switch (binding.kind) {
    case "import": {
      if (binding.source === PUBLIC_SPECIFIER) {
        const name = binding.imported === "*" ? member : member === undefined ? binding.imported : undefined;
        if (name !== undefined && INTRINSIC_SET.has(name)) return { kind: "intrinsic", op: name as Intrinsic };
        return { kind: "plain", warn: false };
      }
      if (isStepsModule(r, binding.source)) return binding.imported === "*" || member === undefined ? { kind: "step" } : { kind: "unknown", warn: false };
      const mod = r.imports?.get(binding.source);
      const known = mod && fromSummary(mod, binding.imported, member);
      if (known) return known;
      return { kind: "unknown", warn: !isRelative(binding.source) };
    }
    case "function":
      if (binding.fn && member === undefined) return { kind: binding.fn.kind };
      return member === undefined ? { kind: "plain", warn: true } : { kind: "unknown", warn: false };
    case "variable": {
      if (binding.fn && member === undefined) return { kind: binding.fn.kind };
      const fn = member !== undefined ? binding.members?.get(member) : undefined;
      if (fn) return { kind: fn.kind };
      return { kind: "unknown", warn: binding.external === true };
    }
    case "class":
      return { kind: "unknown", warn: false };
  }
}

/** The identifier a member chain starts from (`a` in `a.b.c`), or `this`, or undefined. */
export function chainRoot(ts: typeof TS, e: TS.Expression): TS.Identifier | TS.ThisExpression | undefined {
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword ? (e as TS.Identifier | TS.ThisExpression) : undefined;
}

/**
 * The callee without the wrappers that leave its value and its `this` unchanged: parentheses and
 * type-only syntax (`(o.m as any)(x)` and `o.m!(x)` call `o.m` with `this` = `o`, as `o.m(x)` does).
 */
export function bareCallee(ts: typeof TS, callee: TS.Expression): TS.Expression {
  let e = callee;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

export function classifyCallee(r: Resolver, callee: TS.Expression): CalleeKind {
  const { ts } = r;
  const e = bareCallee(ts, callee);
  // `import(...)` and `super(...)` look like calls but have no callee value to pass on.
  if (e.kind === ts.SyntaxKind.ImportKeyword || e.kind === ts.SyntaxKind.SuperKeyword) return { kind: "plain", warn: false };
  // Inline function literals are part of the durable body; promise chaining is not an operation.
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { kind: "plain", warn: false };
  if (ts.isPropertyAccessExpression(e) && ["then", "catch", "finally"].includes(e.name.text) && !ts.isIdentifier(e.expression)) return { kind: "plain", warn: false };
  // Methods of literals (`\`${x}\`.padStart(3)`, `[a, b].join()`) are built-ins, never steps.
  if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && isLiteral(ts, e.expression)) return { kind: "plain", warn: false };
  if (ts.isIdentifier(e)) {
    if (isLocal(ts, e.text, e)) return { kind: "unknown", warn: false };
    const binding = r.bindings.get(e.text);
    if (!binding && PURE_GLOBAL_FNS.has(e.text)) return { kind: "plain", warn: false };
    return fromBinding(r, binding, undefined);
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const root = e.expression;
    if (isLocal(ts, root.text, root)) return { kind: "unknown", warn: false };
    const binding = r.bindings.get(root.text);
    if (!binding && PURE_GLOBAL_OBJECTS.has(root.text)) return { kind: "plain", warn: false };
    return fromBinding(r, binding, e.name.text);
  }
  const root = chainRoot(ts, e);
  if (root && ts.isIdentifier(root) && !isLocal(ts, root.text, root)) {
    const binding = r.bindings.get(root.text);
    if (!binding && PURE_GLOBAL_OBJECTS.has(root.text)) return { kind: "plain", warn: false };
    if (binding?.kind === "import" && binding.source === PUBLIC_SPECIFIER) return { kind: "plain", warn: false };
    const external = binding?.kind === "variable" && binding.external === true;
    return { kind: "unknown", warn: !binding || external || (binding.kind === "import" && !isRelative(binding.source) && !isStepsModule(r, binding.source)) };
  }
  return { kind: "unknown", warn: false };
}

/** Whether an intrinsic call already carries a user-given name (so the compiler adds none). */
export function intrinsicHasName(ts: typeof TS, op: Intrinsic, args: readonly TS.Expression[]): boolean | "ambiguous" {
  // context() takes no name and patched(id) is no operation: neither gets one.
  if (op === "context" || op === "patched") return true;
  // sleep(duration) or sleep(name, duration): a lone string is a duration ("5s", "2 days").
  if (op === "sleep") return args.length >= 2;
  const first = args[0];
  if (!first) return false;
  const isString = (e: TS.Expression | undefined) => !!e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e));
  const isFn = (e: TS.Expression | undefined) => !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
  const isLiteralNotString = (e: TS.Expression | undefined) => !!e && (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || ts.isNumericLiteral(e) || isFn(e));
  if (op === "invoke") {
    // invoke(name?, funcId, input?, config?): two leading strings mean (name, funcId), as in the SDK.
    if (args.length >= 4) return true;
    if (args.length === 1) return false;
    if (isString(first) && isString(args[1])) return true;
    if (isLiteralNotString(args[1])) return false;
    return "ambiguous";
  }
  if (isString(first)) return true;
  if (isLiteralNotString(first)) return false;
  // Unnamed arity: createCallback(cfg?) 1, step(fn, cfg?) 2, waitForCallback(fn, cfg?) 2,
  // waitForCondition(fn, cfg) 2, map(items, fn, cfg?) 3, parallel(branches, cfg?) 2.
  const maxUnnamed: Record<Exclude<Intrinsic, "context" | "invoke" | "patched" | "sleep">, number> = { createCallback: 1, step: 2, waitForCallback: 2, waitForCondition: 2, map: 3, parallel: 2 };
  if (args.length > maxUnnamed[op]) return true;
  const second = args[1];
  if (args.length === 1 && op !== "createCallback") return false;
  if (op === "step" || op === "waitForCallback" || op === "waitForCondition") return isFn(second) ? true : second && ts.isObjectLiteralExpression(second) ? false : "ambiguous";
  if (op === "map") return args.length <= 2 || isFn(second) ? false : isFn(args[2]) ? true : "ambiguous";
  if (op === "parallel") return second && ts.isArrayLiteralExpression(second) ? true : second && ts.isObjectLiteralExpression(second) ? false : "ambiguous";
  return "ambiguous";
}
