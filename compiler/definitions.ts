/**
 * Emits the definition side: tags every compiled step and durable function (registerStep /
 * registerDurable / durable / enterDurable / enterStep, per runtime/SPEC.md) without moving user
 * code, and without adding lines, so line numbers in the output match the input. A step's body
 * dispatches too (enterStep), so a call the compiler never sees (a library calling it) is a step.
 */
import type { FnInfo } from "./directives.ts";
import type { FileContext } from "./file-context.ts";
import { DEFAULT_SELF, RT, SITES } from "./specifiers.ts";
import type { TS } from "./typescript.ts";

/** The meta compiled code passes; a tag after a declaration needs only the name (the runtime reads sites from the call). */
function meta(info: FnInfo, sites = true): string {
  return sites ? `{ name: ${JSON.stringify(info.name)}, sites: ${SITES} }` : `{ name: ${JSON.stringify(info.name)} }`;
}

/** The text of `<T>(a: A, b)` for the inner implementation function. */
function signature(fc: FileContext, fn: TS.FunctionLikeDeclaration): string {
  const { code } = fc;
  const tp = fn.typeParameters ? `<${code.slice(fn.typeParameters.pos, fn.typeParameters.end)}>` : "";
  return `${tp}(${code.slice(fn.parameters.pos, fn.parameters.end)})`;
}

/** Where the statement that holds a declaration ends (after `export default class C {...}` etc.). */
function statementEnd(ts: typeof TS, node: TS.Node): number {
  let cur = node;
  while (cur.parent && !ts.isSourceFile(cur.parent) && !ts.isBlock(cur.parent) && !ts.isModuleBlock(cur.parent) && !ts.isCaseClause(cur.parent) && !ts.isDefaultClause(cur.parent)) cur = cur.parent;
  return cur.end;
}

/**
 * Where a declaration's tag goes. A declaration inside a block is hoisted to the top of it and may be
 * called before its own line (a helper step written after `return`): its tag goes at the top of the
 * block, after a function body's directive prologue. At module level it follows the declaration,
 * which runs before any handler can be called.
 */
function tagPosition(fc: FileContext, fn: TS.FunctionDeclaration): number {
  const { ts } = fc;
  const block = fn.parent;
  if (!ts.isBlock(block)) return statementEnd(ts, fn);
  let at = block.getStart(fc.sf) + 1;
  if (ts.isFunctionLike(block.parent)) {
    for (const st of block.statements) {
      if (!ts.isExpressionStatement(st) || !ts.isStringLiteral(st.expression)) break;
      at = st.end;
    }
  }
  return at;
}

function selfName(fc: FileContext, fn: TS.FunctionDeclaration): string {
  if (fn.name) return fn.name.text;
  // An anonymous `export default async function`: give it a name so it can reference itself.
  const at = fn.typeParameters ? fn.typeParameters.pos - 1 : fn.parameters.pos - 1;
  fc.s.appendLeft(at, /\s/.test(fc.code[at - 1] ?? "") ? DEFAULT_SELF : ` ${DEFAULT_SELF}`);
  return DEFAULT_SELF;
}

/**
 * Body becomes `return __ud.enterDurable(self, this, arguments, async function (...) { body }, meta);`
 * (`enterStep` for a step, whose implementation keeps the step's name, so stack frames show it; a
 * call of that name inside it is inside the step, where it is a plain call anyway).
 * A class method's implementation is an arrow instead, so `super` keeps working inside it.
 */
function wrapBody(fc: FileContext, fn: TS.FunctionLikeDeclaration, self: string, info: FnInfo): void {
  const body = fn.body as TS.Block;
  const open = body.getStart(fc.sf) + 1;
  const enter = info.kind === "step" ? RT.enterStep : RT.enterDurable;
  const own = info.kind === "step" && fc.ts.isFunctionDeclaration(fn) && fn.name ? fn.name.text : "";
  let impl = own ? `async function ${own}${signature(fc, fn)} {` : `async function ${signature(fc, fn)} {`;
  if (info.form === "class-method") {
    const tp = fn.typeParameters ? `<${fc.code.slice(fn.typeParameters.pos, fn.typeParameters.end)},>` : "";
    impl = `async ${tp}(${fc.code.slice(fn.parameters.pos, fn.parameters.end)}) => {`;
  }
  fc.s.appendLeft(open, ` return ${enter}(${self}, this, arguments, ${impl}`);
  fc.s.appendLeft(body.end - 1, `}, ${meta(info)}); `);
  simplifyOuterParameters(fc, fn);
}

/**
 * The outer function only forwards `arguments`; its own parameter list must not evaluate defaults or
 * destructure (the implementation does, once). Patterns and defaults become plain placeholders.
 */
function simplifyOuterParameters(fc: FileContext, fn: TS.FunctionLikeDeclaration): void {
  const { ts } = fc;
  fn.parameters.forEach((p, i) => {
    if (ts.isIdentifier(p.name) && !p.initializer) return;
    fc.s.update(p.getStart(fc.sf), p.end, `${p.dotDotDotToken ? "..." : ""}__ud_p${i}`);
  });
}

/** `async m(a) { ... }` in an object literal -> `m: wrap(async function (a) { ... }, meta)`. */
function wrapObjectMethod(fc: FileContext, fn: TS.MethodDeclaration, wrapper: string, info: FnInfo): void {
  const key = fc.code.slice(fn.name.getStart(fc.sf), fn.name.end);
  fc.s.appendLeft(fn.getStart(fc.sf), `${key}: ${wrapper}(`);
  fc.s.update(fn.name.getStart(fc.sf), fn.name.end, "function");
  fc.s.appendLeft(fn.end, `, ${meta(info)})`);
}

export function emitDefinitions(fc: FileContext): void {
  const { ts, s } = fc;
  // Tags at the top of a block are inserted after every wrapper, so they land inside an enclosing
  // durable function's implementation (whose text is inserted at the same offset), and before the
  // body walks' edits at that offset.
  const tags: Array<[number, string]> = [];
  for (const info of fc.fns.values()) {
    const fn = info.node;
    const register = info.kind === "step" ? RT.registerStep : RT.registerDurable;
    if (ts.isFunctionDeclaration(fn)) {
      const self = selfName(fc, fn);
      wrapBody(fc, fn, self, info);
      tags.push([tagPosition(fc, fn), ` ${register}(${self}, ${meta(info, false)});`]);
    } else if (ts.isMethodDeclaration(fn)) {
      if (info.form === "object-method") {
        wrapObjectMethod(fc, fn, info.kind === "step" ? RT.registerStep : RT.durable, info);
        continue;
      }
      const member = ts.isIdentifier(fn.name) ? `.${fn.name.text}` : ts.isComputedPropertyName(fn.name) ? `[${fn.name.expression.getText(fc.sf)}]` : `[${fn.name.getText(fc.sf)}]`;
      const self = `${info.className}${info.isStatic ? "" : ".prototype"}${member}`;
      wrapBody(fc, fn, self, info);
      s.appendLeft(statementEnd(ts, fn.parent), ` ${register}(${self}, ${meta(info, false)});`);
    } else {
      const wrapper = info.kind === "step" ? RT.registerStep : RT.durable;
      s.appendLeft(fn.getStart(fc.sf), `${wrapper}(`);
      s.appendLeft(fn.end, `, ${meta(info)})`);
    }
  }
  for (const [at, tag] of tags) s.appendLeft(at, tag);
}
