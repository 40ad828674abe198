/** The state shared by the passes over one file: parsed source, edits, diagnostics, temporaries. */
import type MagicString from "magic-string";
import type { Resolver } from "./callee.ts";
import type { DiagnosticSink, LineIndex } from "./diagnostics.ts";
import type { FnInfo } from "./directives.ts";
import { TEMP_PREFIX } from "./specifiers.ts";
import type { TS } from "./typescript.ts";

export interface FileContext {
  ts: typeof TS;
  sf: TS.SourceFile;
  code: string;
  /** The file as reported in diagnostics and the manifest (relative to root). */
  file: string;
  s: MagicString;
  sink: DiagnosticSink;
  resolver: Resolver;
  fns: ReadonlyMap<TS.Node, FnInfo>;
  /** Temporaries to declare, per enclosing function. */
  temps: Map<TS.FunctionLikeDeclaration, string[]>;
  tempCount: number;
  lines: LineIndex;
}

/** A fresh temporary declared at the top of the function enclosing `node`. */
export function newTemp(fc: FileContext, node: TS.Node): string {
  const { ts } = fc;
  let fn: TS.Node | undefined = node.parent;
  while (fn && !(ts.isFunctionLike(fn) && (fn as TS.FunctionLikeDeclaration).body)) fn = fn.parent;
  const name = `${TEMP_PREFIX}${++fc.tempCount}`;
  if (!fn) throw new Error("a rewritten call outside any function");
  const list = fc.temps.get(fn as TS.FunctionLikeDeclaration) ?? [];
  list.push(name);
  fc.temps.set(fn as TS.FunctionLikeDeclaration, list);
  return name;
}

/** Declares every temporary: after the directive prologue, or by giving an expression body a block. */
export function emitTemps(fc: FileContext): void {
  const { ts, s } = fc;
  for (const [fn, names] of fc.temps) {
    const decl = `let ${names.join(", ")};`;
    const body = fn.body!;
    const info = fc.fns.get(fn);
    if (info && ts.isBlock(body)) s.appendLeft(info.prologueEnd, ` ${decl}`);
    else if (ts.isBlock(body)) s.appendLeft(body.getStart(fc.sf) + 1, ` ${decl}`);
    else {
      s.prependLeft(body.getStart(fc.sf), `{ ${decl} return (`);
      // Before what the definitions already put at the same offset (a durable arrow's `, meta)`).
      s.prependLeft(body.end, `); }`);
    }
  }
}
