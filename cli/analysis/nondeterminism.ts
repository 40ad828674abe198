/**
 * Sources of non-determinism the syntactic compiler cannot see: `Date.now` / `Math.random` /
 * `crypto.randomUUID` / `performance.now` reached through an alias (`const now = Date.now; now()`),
 * a re-export, or a plain helper function (in any module) that calls one, transitively. Reads the
 * program through the callee resolver; reports nothing itself.
 */
import type { CalleeResolver } from "./callee-values.ts";
import type { FunctionLike } from "./directive-functions.ts";
import type { TS, TSApi } from "./ts-types.ts";

// Declarations of the sources, by the interface or module that declares them.
const SOURCES: Record<string, ReadonlySet<string>> = {
  DateConstructor: new Set(["now"]),
  Math: new Set(["random"]),
  Crypto: new Set(["randomUUID", "getRandomValues"]),
  Performance: new Set(["now"]),
  crypto: new Set(["randomUUID", "randomBytes", "randomInt", "getRandomValues"]),
  "node:crypto": new Set(["randomUUID", "randomBytes", "randomInt", "getRandomValues"]),
  perf_hooks: new Set(["now"]),
};
const OWNER_TEXT: Record<string, string> = { DateConstructor: "Date", Performance: "performance", Crypto: "crypto", "node:crypto": "crypto", perf_hooks: "performance" };
const MAX_DEPTH = 4;

export interface Source {
  /** `Math.random()` */
  what: string;
  /** The call that reads it, in the helper where it happens. */
  at: TS.Node;
  /** The helpers between the durable body and the source, outermost first. */
  via: string[];
}

/** The source a declaration stands for, if it is one: `Date.now()`. */
export function sourceOf(ts: TSApi, decl: TS.Declaration, name: string): string | undefined {
  let owner: TS.Node | undefined = decl.parent;
  while (owner && !ts.isInterfaceDeclaration(owner) && !ts.isModuleDeclaration(owner)) owner = owner.parent;
  if (!owner) return undefined;
  const ownerName = ts.isInterfaceDeclaration(owner) ? owner.name.text : ts.isStringLiteral(owner.name) || ts.isIdentifier(owner.name) ? owner.name.text : "";
  if (!SOURCES[ownerName]?.has(name)) return undefined;
  return `${OWNER_TEXT[ownerName] ?? ownerName}.${name}()`;
}

export class NondeterminismFinder {
  readonly #resolver: CalleeResolver;
  readonly #memo = new Map<FunctionLike, Source | null>();

  constructor(resolver: CalleeResolver) {
    this.#resolver = resolver;
  }

  /** The source a call reads directly (an alias of one) or through plain helpers. */
  ofCall(call: TS.CallExpression | TS.NewExpression, depth = 0): Source | undefined {
    const ts = this.#resolver.ts;
    if (ts.isNewExpression(call)) {
      const isDate = ts.isIdentifier(call.expression) && this.#resolver.checker.getTypeAtLocation(call).getSymbol()?.getName() === "Date";
      return isDate && (call.arguments?.length ?? 0) === 0 ? { what: "new Date()", at: call, via: [] } : undefined;
    }
    for (const v of this.#resolver.values(call.expression)) {
      if (v.kind === "external") {
        const what = sourceOf(ts, v.decl, v.name);
        if (what) return { what, at: call, via: [] };
      } else if (v.kind === "plain" && depth < MAX_DEPTH) {
        const inner = this.#inHelper(v.fn, depth + 1);
        if (inner) return { ...inner, via: [v.name, ...inner.via] };
      }
    }
    return undefined;
  }

  #inHelper(fn: FunctionLike, depth: number): Source | undefined {
    const known = this.#memo.get(fn);
    if (known !== undefined) return known ?? undefined;
    this.#memo.set(fn, null);
    const ts = this.#resolver.ts;
    let found: Source | undefined;
    const visit = (n: TS.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) found = this.ofCall(n, depth);
      if (!found) ts.forEachChild(n, visit);
    };
    if (fn.body) visit(fn.body);
    this.#memo.set(fn, found ?? null);
    return found;
  }
}
