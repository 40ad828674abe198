/**
 * Arbitrary TypeScript for `compile()`: a fast-check generator of modules built from functions,
 * arrows, methods, classes, object literals and awaited calls with "use durable" / "use step" (and
 * near misses) in random places, optionally damaged into syntax errors; the corpus of the installed
 * `typescript`, `vite` and `vitest` packages (what they ship: .js / .mjs / .cjs and .d.ts, no .ts
 * sources) with a directive inserted at the top of the module or of function bodies; and the check
 * every such input must pass. It never runs compiled code.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { transformSync, type Loader } from "esbuild";
import fc from "fast-check";
import { compile } from "../../compiler/index.ts";
import { parse, type TS } from "../../compiler/typescript.ts";

/**
 * Every way `compile(code, id)` misbehaves: it throws, reports an internal error (UD190), emits code
 * that no longer parses (TypeScript's parser, and esbuild's when the input passed it), leaves a syntax
 * error without a UD100, or is not idempotent on its own output.
 */
export function checkCompile(code: string, id: string): string[] {
  let result: ReturnType<typeof compile>;
  try {
    result = compile(code, id);
  } catch (error) {
    return [`compile threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`];
  }
  if (!result) return [];
  const violations: string[] = [];
  for (const d of result.diagnostics.filter((d) => d.code === "UD190")) violations.push(`${d.code} ${d.message}`);
  const inputErrors = parse(code, id).syntaxErrors.length;
  if (inputErrors > 0) {
    if (!result.diagnostics.some((d) => d.code === "UD100")) violations.push(`${inputErrors} syntax errors but no UD100`);
    return violations;
  }
  const outputErrors = parse(result.code, id).syntaxErrors;
  if (outputErrors.length > 0) violations.push(`output does not parse: ${outputErrors.slice(0, 3).map((e) => `${typeof e.messageText === "string" ? e.messageText : e.messageText.messageText} at ${lineOf(result.code, e.start)}`).join("; ")}`);
  const loader = loaderOf(id);
  // compile's output is always an ES module (it imports the runtime): judge the input as one too, so
  // what only a script allows (a top-level return) is not counted against compile.
  if (esbuildError(`${code}\nexport {};\n`, loader) === undefined) {
    const error = esbuildError(result.code, loader);
    if (error !== undefined) violations.push(`esbuild rejects the output but not the input: ${error}`);
  }
  const again = compile(result.code, id);
  if (again !== null && again.code !== result.code) violations.push("not idempotent: compiling the output changes it again");
  return violations;
}

function lineOf(code: string, at: number | undefined): string {
  const before = code.slice(0, at ?? 0);
  const line = before.split("\n").length;
  return `line ${line}: ${code.split("\n")[line - 1]?.trim().slice(0, 120)}`;
}

function loaderOf(id: string): Loader {
  return /\.[cm]?js$/.test(id) ? "js" : "ts";
}

function esbuildError(code: string, loader: Loader): string | undefined {
  try {
    transformSync(code, { loader, format: "esm", logLevel: "silent" });
    return undefined;
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { line: number; lineText: string } }> }).errors;
    const first = errors?.[0];
    return first ? `${first.text} (line ${first.location?.line}: ${first.location?.lineText.trim().slice(0, 120)})` : String(error);
  }
}

// ---- generated modules ----

const DIRECTIVES = ['"use durable";', '"use step";', "'use durable';", '"use durable"', '"Use Durable";', '"use workflow";', '"use strict";', '"use durabel";', "`use durable`;"];
// Not `__ud...`: identifiers with that prefix are the compiler's (compiler/SPEC.md, Known limits).
const NAMES = ["f", "g", "run", "step1", "handler", "x", "y", "sleep", "Promise", "arguments", "default"];

const directive = fc.constantFrom(...DIRECTIVES);
const name = fc.constantFrom(...NAMES.filter((n) => n !== "default"));

/** Expressions and statements a durable body rewrites: calls of every shape, awaits, concurrency. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    name,
    fc.constantFrom("1", '"s"', "`t${x}`", "[]", "{}", "this", "new.target", "import.meta", "super.m()", "null"),
    fc.tuple(name, fc.array(tie("e"), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(", ")})`),
    fc.tuple(tie("e"), name, fc.array(tie("e"), { maxLength: 2 }), fc.constantFrom(".", "?.", "!.")).map(([r, m, args, dot]) => `${r}${dot}${m}(${args.join(", ")})`),
    tie("e").map((e) => `await ${e}`),
    tie("e").map((e) => `(${e})`),
    fc.tuple(fc.constantFrom("all", "allSettled", "race", "any"), fc.array(tie("e"), { maxLength: 3 })).map(([k, es]) => `Promise.${k}([${es.join(", ")}])`),
    fc.tuple(tie("e"), tie("e")).map(([xs, e]) => `Promise.all(${xs}.map(async (v) => ${e}))`),
    fc.tuple(fc.array(tie("e"), { maxLength: 2 })).map(([es]) => `(async () => { ${es.map((e) => `${e};`).join(" ")} })()`),
    fc.tuple(name, tie("e")).map(([f, e]) => `${f}.call(this, ${e})`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `${a} ? ${b} : ${a}`),
    fc.tuple(name, tie("e")).map(([f, e]) => `${f}<string>(${e}) as unknown`),
    tie("e").map((e) => `sleep(${e})`),
    fc.constant("Date.now()"),
    fc.constant("Math.random()"),
  ),
})).e;

const statement: fc.Arbitrary<string> = fc.letrec<{ s: string; body: string; fn: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    expression.map((e) => `${e};`),
    fc.tuple(fc.constantFrom("const", "let", "var"), name, expression).map(([k, n, e]) => `${k} ${n} = ${e};`),
    fc.tuple(fc.constantFrom("const", "let"), expression).map(([k, e]) => `${k} { a, b: [c] } = ${e};`),
    expression.map((e) => `return ${e};`),
    directive,
    fc.tuple(expression, tie("body"), fc.option(tie("body"), { nil: undefined })).map(([c, a, b]) => `if (${c}) ${a}${b ? ` else ${b}` : ""}`),
    fc.tuple(name, expression, tie("body")).map(([n, e, b]) => `for (const ${n} of ${e}) ${b}`),
    fc.tuple(expression, tie("body")).map(([e, b]) => `while (${e}) ${b}`),
    fc.tuple(tie("body"), tie("body"), fc.boolean()).map(([t, c, f]) => `try ${t} catch (e) ${c}${f ? " finally {}" : ""}`),
    fc.tuple(expression, tie("body")).map(([e, b]) => `switch (${e}) { case 1: ${b} default: break; }`),
    fc.tuple(fc.constantFrom("a", "b"), tie("body")).map(([l, b]) => `${l}: for (;;) { ${b} break ${l}; }`),
    tie("fn"),
  ),
  body: fc.array(tie("s"), { maxLength: 4 }).map((ss) => `{ ${ss.join(" ")} }`),
  fn: fc.tuple(
    fc.constantFrom("async function", "function", "async function*", "export async function", "export default async function", "const $ = async", "const $ = async function", "class C { async", "class C { static async", "const o = { async", "export const $ = async", "(async"),
    name,
    fc.constantFrom("", "a", "a, b", "{ a, b }", "a = 1", "...rest", "a: number, b?: string"),
    fc.option(directive, { nil: undefined }),
    fc.array(tie("s"), { maxLength: 4 }),
  ).map(([head, n, params, d, ss]) => {
    const body = `{ ${d ?? ""} ${ss.join(" ")} }`;
    if (head.includes("$")) return `${head.replace("$", n)} ${head.endsWith("function") ? "" : ""}(${params}) ${head.endsWith("async") ? "=> " : ""}${body};`;
    if (head.startsWith("class")) return `${head} ${n}(${params}) ${body} }`;
    if (head.startsWith("const o")) return `${head} ${n}(${params}) ${body} };`;
    if (head === "(async") return `(async (${params}) => ${body})();`;
    return `${head} ${head.includes("default") ? "" : n}(${params}) ${body}`;
  }),
})).s;

/** Damage: a slice of the text replaced by a short string, so some inputs do not parse. */
function damaged(code: string, at: number, cut: number, insert: string): string {
  const i = at % (code.length + 1);
  return code.slice(0, i) + insert + code.slice(i + cut);
}

export const generatedModule: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(directive, { nil: undefined }),
    fc.constantFrom("", 'import { sleep, step } from "use-durable";\n', 'import * as d from "use-durable";\nimport { remote } from "./remote";\n'),
    fc.array(statement, { minLength: 1, maxLength: 6 }),
    fc.option(fc.tuple(fc.nat(), fc.nat(6), fc.constantFrom("", "{", "}", "(", ")", ";", '"use durable";', "async ", "await ", "=>", ",", "`", "/*")), { freq: 3, nil: undefined }),
  )
  .map(([top, imports, body, damage]) => {
    const code = `${top ? `${top}\n` : ""}${imports}${body.join("\n")}\n`;
    return damage ? damaged(code, ...damage) : code;
  });

// ---- the installed packages' files ----

export const CORPUS_PACKAGES = ["typescript", "vite", "vitest"];
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;

/** Every .js / .mjs / .cjs / .ts / .mts / .cts file (declaration files included) of the packages, with its size. */
export function corpusFiles(nodeModules: string): Array<{ file: string; bytes: number }> {
  const out: Array<{ file: string; bytes: number }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && SOURCE.test(entry.name)) out.push({ file: path, bytes: statSync(path).size });
    }
  };
  for (const pkg of CORPUS_PACKAGES) walk(join(nodeModules, pkg));
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The variants of one corpus file compile must survive: the module directive at the top (after a
 * shebang), and "use durable" at the top of up to `bodies` function bodies (async ones first), chosen
 * by `seed`. An input that does not parse as it is yields no variant.
 */
export function corpusVariants(code: string, id: string, seed: number, bodies: number): string[] {
  const { ts, sourceFile, syntaxErrors } = parse(code, id);
  if (syntaxErrors.length > 0) return [];
  const shebang = /^#![^\n]*\n/.exec(code)?.[0].length ?? 0;
  const variants = [`${code.slice(0, shebang)}"use durable";\n${code.slice(shebang)}`];
  const opens: Array<{ at: number; async: boolean }> = [];
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && node.body && ts.isBlock(node.body)) {
      opens.push({ at: node.body.getStart(sourceFile) + 1, async: ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) === true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (opens.length === 0) return variants;
  let state = seed >>> 0 || 1;
  const next = () => (state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0);
  const pool = [...opens.filter((o) => o.async), ...opens.filter((o) => !o.async)];
  const picked = new Set<number>();
  for (let i = 0; i < bodies && picked.size < pool.length; i++) {
    const asyncOnes = opens.filter((o) => o.async).length;
    const from = asyncOnes > 0 && i % 4 !== 3 ? asyncOnes : pool.length;
    picked.add(pool[next() % from]!.at);
  }
  let out = code;
  for (const at of [...picked].sort((a, b) => b - a)) out = `${out.slice(0, at)} "use durable"; ${out.slice(at)}`;
  variants.push(out);
  return variants;
}
