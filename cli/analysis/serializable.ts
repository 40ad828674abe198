/**
 * Whether a value of a given type survives the serdes a durable operation puts it through: walks the
 * type (properties, elements, union members, index signatures) and returns every place that would
 * come back different or not at all, as a path (`result.items[0].createdAt: Date`) and a reason.
 * Profiles say what a serdes carries; `json` is the default serdes of steps and durable functions.
 */
import type { TS, TSApi } from "./ts-types.ts";

export type SerdesProfile = "json" | "rich";
export const SERDES_PROFILES: readonly SerdesProfile[] = ["json", "rich"];

export interface SerdesProblem {
  path: string;
  type: string;
  reason: string;
}

// Built-ins by their symbol's name: how each fares under JSON, and whether the rich profile
// (Date, Map, Set, bigint, RegExp, typed arrays, errors and undefined, as a structured-clone serdes does) carries it.
const BUILTINS: Record<string, { reason: string; rich: boolean }> = {
  Date: { reason: "comes back as an ISO string, not a Date", rich: true },
  Map: { reason: "comes back as {} (JSON drops its entries)", rich: true },
  Set: { reason: "comes back as {} (JSON drops its members)", rich: true },
  WeakMap: { reason: "cannot be serialised", rich: false },
  WeakSet: { reason: "cannot be serialised", rich: false },
  RegExp: { reason: "comes back as {}", rich: true },
  Error: { reason: "comes back as {} (message and stack are not enumerable)", rich: true },
  Promise: { reason: "a promise is not a value: await it before it crosses the boundary", rich: false },
  ReadableStream: { reason: "a stream cannot be serialised: read it into a value first", rich: false },
  WritableStream: { reason: "a stream cannot be serialised", rich: false },
  Readable: { reason: "a stream cannot be serialised: read it into a value first", rich: false },
  Writable: { reason: "a stream cannot be serialised", rich: false },
  Duplex: { reason: "a stream cannot be serialised", rich: false },
  Buffer: { reason: "comes back as { type: \"Buffer\", data: [...] }", rich: true },
  ArrayBuffer: { reason: "comes back as {}", rich: true },
  URL: { reason: "comes back as a string, not a URL", rich: false },
};
const TYPED_ARRAYS = /^(?:Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float32|Float64|BigInt64|BigUint64)Array$/;
const MAX_DEPTH = 12;

export function serdesProblems(ts: TSApi, checker: TS.TypeChecker, type: TS.Type, root: string, profile: SerdesProfile): SerdesProblem[] {
  const out: SerdesProblem[] = [];
  const onPath = new Set<TS.Type>();
  const show = (t: TS.Type) => checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
  const problem = (path: string, t: TS.Type, reason: string) => out.push({ path, type: show(t), reason });

  const walk = (t: TS.Type, path: string, depth: number, inArray: boolean): void => {
    if (depth > MAX_DEPTH || onPath.has(t)) return;
    const f = t.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return;
    if (f & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Null | ts.TypeFlags.EnumLike)) return;
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
      if (inArray && profile === "json") problem(path, t, "undefined in an array comes back as null");
      return;
    }
    if (f & ts.TypeFlags.BigIntLike) return void (profile === "json" && problem(path, t, "JSON cannot carry a bigint (JSON.stringify throws)"));
    if (f & ts.TypeFlags.ESSymbolLike) return void problem(path, t, "a symbol cannot be serialised");
    if (t.isUnion()) {
      for (const m of t.types) walk(m, path, depth, inArray);
      return;
    }
    if (t.isIntersection()) {
      for (const m of t.types) walk(m, path, depth, inArray);
      return;
    }
    if (!(f & ts.TypeFlags.Object)) return;
    const name = t.getSymbol()?.getName() ?? "";
    const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : TYPED_ARRAYS.test(name) ? { reason: "comes back as an object of indices", rich: true } : undefined;
    if (builtin && isLibrary(t)) {
      if (!(profile === "rich" && builtin.rich)) problem(path, t, builtin.reason);
      return;
    }
    if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0) return void problem(path, t, "a function cannot be serialised (it is dropped)");
    if (checker.getAwaitedType(t) !== t) return void problem(path, t, "a promise is not a value: await it before it crosses the boundary");
    onPath.add(t);
    try {
      if (checker.isArrayType(t) || checker.isTupleType(t)) {
        const args = checker.getTypeArguments(t as TS.TypeReference);
        args.forEach((a, i) => walk(a, `${path}[${checker.isTupleType(t) ? i : 0}]`, depth + 1, true));
        return;
      }
      const cls = classOf(ts, t);
      if (cls && (cls.methods.length > 0 || cls.privates.length > 0)) {
        const what = [cls.methods.length > 0 && `methods (${cls.methods.slice(0, 3).join(", ")})`, cls.privates.length > 0 && `private fields (${cls.privates.slice(0, 3).join(", ")})`].filter(Boolean).join(" and ");
        problem(path, t, `an instance of class ${cls.name} with ${what} comes back as a plain object without them`);
      }
      for (const p of checker.getPropertiesOfType(t)) {
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        if (decl && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessor(decl) || ts.isSetAccessor(decl))) continue;
        if (p.getName().startsWith("__")) continue;
        const pt = checker.getTypeOfSymbol(p);
        walk(pt, `${path}.${p.getName()}`, depth + 1, false);
      }
      const index = checker.getIndexInfosOfType(t);
      for (const info of index) walk(info.type, `${path}[key]`, depth + 1, false);
    } finally {
      onPath.delete(t);
    }
  };
  walk(type, root, 0, false);
  return out;
}

function isLibrary(t: TS.Type): boolean {
  const d = t.getSymbol()?.declarations?.[0];
  return !!d && d.getSourceFile().isDeclarationFile;
}

/** A user class instance: its methods and private members (a plain object type has neither). */
function classOf(ts: TSApi, t: TS.Type): { name: string; methods: string[]; privates: string[] } | undefined {
  const decl = t.getSymbol()?.valueDeclaration ?? t.getSymbol()?.declarations?.[0];
  if (!decl || !ts.isClassLike(decl) || (t.getSymbol()!.flags & ts.SymbolFlags.Class) === 0) return undefined;
  const methods: string[] = [];
  const privates: string[] = [];
  const mod = (m: TS.ClassElement) => ts.getCombinedModifierFlags(m as unknown as TS.Declaration);
  for (const m of decl.members) {
    if (mod(m) & ts.ModifierFlags.Static) continue;
    const name = m.name && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) ? m.name.text : undefined;
    if (!name) continue;
    if (ts.isPrivateIdentifier(m.name!) || mod(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) privates.push(name);
    else if (ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) methods.push(name);
  }
  return { name: decl.name?.text ?? "anonymous", methods, privates };
}
