/**
 * What a callee can be at run time, by the type checker: the function values an expression may hold,
 * followed through imports, re-exports, `const` aliases, object properties, `?:` / `||` / `??`, and,
 * when the value cannot be traced (a parameter, a field), the declarations of its type's call
 * signatures. Each is a step, a durable function, an intrinsic, a plain function or unknown.
 */
import { INTRINSICS, PUBLIC_SPECIFIER } from "../../compiler/index.ts";
import { directiveOf, functionName, isFunctionLike, type FunctionLike } from "./directive-functions.ts";
import type { TS, TSApi } from "./ts-types.ts";

export interface FunctionValue {
  kind: "step" | "durable" | "plain";
  fn: FunctionLike;
  name: string;
}

export type CalleeValue =
  | FunctionValue
  | { kind: "intrinsic"; name: string }
  /** Declared in a library's types (lib.d.ts, node, a package): no body to read. */
  | { kind: "external"; name: string; decl: TS.Declaration }
  | { kind: "unknown"; why: string };

const INTRINSIC_NAMES: ReadonlySet<string> = new Set(INTRINSICS);
const MAX_DEPTH = 8;

export class CalleeResolver {
  readonly ts: TSApi;
  readonly checker: TS.TypeChecker;
  readonly #cache = new Map<TS.Node, CalleeValue[]>();

  constructor(ts: TSApi, checker: TS.TypeChecker) {
    this.ts = ts;
    this.checker = checker;
  }

  /** The values the callee of `call` may be. */
  values(callee: TS.Expression): CalleeValue[] {
    let cached = this.#cache.get(callee);
    if (!cached) {
      cached = dedupe(this.#expr(callee, 0));
      this.#cache.set(callee, cached);
    }
    return cached;
  }

  /** The intrinsic a call invokes, when its callee is imported from use-durable. */
  intrinsic(callee: TS.Expression): string | undefined {
    const v = this.values(callee);
    return v.length === 1 && v[0]!.kind === "intrinsic" ? v[0]!.name : undefined;
  }

  #expr(e: TS.Expression, depth: number): CalleeValue[] {
    const { ts } = this;
    if (depth > MAX_DEPTH) return [{ kind: "unknown", why: "too deep" }];
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    if (isFunctionLike(ts, e)) return [this.#fn(e)];
    if (ts.isConditionalExpression(e)) return [...this.#expr(e.whenTrue, depth + 1), ...this.#expr(e.whenFalse, depth + 1)];
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(e.operatorToken.kind)) {
      return [...this.#expr(e.left, depth + 1), ...this.#expr(e.right, depth + 1)];
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const fromUseDurable = this.#useDurableImport(e);
      if (fromUseDurable) return [fromUseDurable];
      const at = ts.isPropertyAccessExpression(e) ? e.name : ts.isElementAccessExpression(e) ? e.argumentExpression : e;
      let sym = this.checker.getSymbolAtLocation(at);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      const fromSymbol = sym ? this.#symbol(sym, depth) : [];
      if (fromSymbol.length > 0 && !fromSymbol.every((v) => v.kind === "unknown")) return fromSymbol;
      return this.#byType(e, fromSymbol[0]);
    }
    return this.#byType(e, { kind: "unknown", why: "computed callee" });
  }

  #fn(fn: FunctionLike): CalleeValue {
    const kind = directiveOf(this.ts, fn) ?? "plain";
    return { kind, fn, name: functionName(this.ts, fn) };
  }

  #symbol(sym: TS.Symbol, depth: number): CalleeValue[] {
    const { ts } = this;
    const out: CalleeValue[] = [];
    for (const d of sym.declarations ?? []) {
      if (isFunctionLike(ts, d) || ts.isMethodSignature(d) || ts.isFunctionDeclaration(d)) {
        if (isFunctionLike(ts, d) && d.body) out.push(this.#fn(d));
        else out.push({ kind: "external", name: sym.name, decl: d });
      } else if ((ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d) || ts.isPropertyDeclaration(d)) && d.initializer && this.#constant(d)) {
        out.push(...this.#expr(d.initializer, depth + 1));
      } else if (ts.isShorthandPropertyAssignment(d)) {
        const value = this.checker.getShorthandAssignmentValueSymbol(d);
        if (value) out.push(...this.#symbol(value.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(value) : value, depth + 1));
      } else if (ts.isExportAssignment(d)) {
        out.push(...this.#expr(d.expression, depth + 1));
      } else if (d.getSourceFile().isDeclarationFile) {
        out.push({ kind: "external", name: sym.name, decl: d });
      } else {
        out.push({ kind: "unknown", why: `\`${sym.name}\` is not a constant` });
      }
    }
    return out;
  }

  /** A binding whose value never changes after its initializer: `const`, or a readonly field. */
  #constant(d: TS.VariableDeclaration | TS.PropertyAssignment | TS.PropertyDeclaration): boolean {
    const { ts } = this;
    if (ts.isVariableDeclaration(d)) return (ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) !== 0;
    if (ts.isPropertyDeclaration(d)) return (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly) !== 0;
    // An object literal's property: constant when the object is held by a const.
    const holder = d.parent.parent;
    return ts.isVariableDeclaration(holder) && (ts.getCombinedNodeFlags(holder) & ts.NodeFlags.Const) !== 0;
  }

  /** When the value cannot be traced: the declarations behind the callee's type, one per union member. */
  #byType(e: TS.Expression, fallback: CalleeValue | undefined): CalleeValue[] {
    const { ts } = this;
    const type = this.checker.getTypeAtLocation(e);
    const members = type.isUnion() ? type.types : [type];
    const out: CalleeValue[] = [];
    for (const t of members) {
      const d = t.getSymbol()?.valueDeclaration ?? t.getSymbol()?.declarations?.[0];
      if (d && isFunctionLike(ts, d) && d.body) out.push(this.#fn(d));
      else if (t.getCallSignatures().length > 0 || t.flags & ts.TypeFlags.Any) out.push(fallback ?? { kind: "unknown", why: "a function type" });
    }
    return out.length > 0 ? out : [fallback ?? { kind: "unknown", why: "no call signature" }];
  }

  /** `sleep` from `import { sleep } from "use-durable"`, or `d.sleep` of `import * as d from "use-durable"`. */
  #useDurableImport(e: TS.Expression): CalleeValue | undefined {
    const { ts } = this;
    const fromUseDurable = (id: TS.Node): boolean => {
      const sym = this.checker.getSymbolAtLocation(id);
      const d = sym?.declarations?.[0];
      if (!d) return false;
      const decl = ts.isImportSpecifier(d) ? d.parent.parent.parent : ts.isNamespaceImport(d) ? d.parent.parent : undefined;
      return !!decl && ts.isImportDeclaration(decl) && ts.isStringLiteral(decl.moduleSpecifier) && decl.moduleSpecifier.text === PUBLIC_SPECIFIER;
    };
    if (ts.isIdentifier(e) && fromUseDurable(e)) {
      const sym = this.checker.getSymbolAtLocation(e)!;
      const d = sym.declarations![0]!;
      const imported = ts.isImportSpecifier(d) ? (d.propertyName ?? d.name).text : e.text;
      return INTRINSIC_NAMES.has(imported) || imported === "patched" ? { kind: "intrinsic", name: imported } : undefined;
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && fromUseDurable(e.expression)) {
      return INTRINSIC_NAMES.has(e.name.text) || e.name.text === "patched" ? { kind: "intrinsic", name: e.name.text } : undefined;
    }
    return undefined;
  }
}

function dedupe(values: CalleeValue[]): CalleeValue[] {
  const seen = new Set<unknown>();
  return values.filter((v) => {
    const key = "fn" in v ? v.fn : "decl" in v ? v.decl : `${v.kind}:${"name" in v ? v.name : v.why}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
