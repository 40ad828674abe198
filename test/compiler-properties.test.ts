/**
 * Properties of compile() (fast-check): names do not move when non-durable statements, comments and
 * blank lines are added; compile is idempotent; a file without a directive is returned untouched;
 * the source map sends every rewritten call back to its original line and column; the output is
 * syntactically valid TypeScript; and no input,
 * however broken, makes compile throw or fail internally.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, type CallEntry, type CompileResult } from "../compiler/index.ts";
import { parse } from "../compiler/typescript.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixturesDir = join(root, "fixtures");

const HEADER = `import { sleep, step } from "use-durable";
import { remote } from "./remote.ts";
async function a(n: number) { "use step"; return n; }
async function b(n: number) { "use step"; return n; }
async function child(n: number) { "use durable"; return a(n); }
const acct = { async go(n: number) { "use step"; return n; } };
const svc = { get acct() { return acct; } };
`;

/** Durable statements: each a list of tokens, so trivia can go between any two of them. */
const DURABLE = [
  ["await", "a", "(", "1", ")", ";"],
  ["await", "b", "(", "x", ")", ";"],
  ["await", "sleep", "(", "{", "seconds", ":", "1", "}", ")", ";"],
  ["x", "=", "await", "child", "(", "x", ")", ";"],
  ["if", "(", "x", ">", "1", ")", "{", "await", "a", "(", "2", ")", ";", "}"],
  ["for", "(", "const", "i", "of", "[", "1", "]", ")", "await", "b", "(", "i", ")", ";"],
  ["await", "Promise", ".", "all", "(", "[", "a", "(", "3", ")", ",", "b", "(", "4", ")", "]", ")", ";"],
  ["await", "remote", ".", "go", "(", "x", ")", ";"],
  ["await", "step", "(", "async", "(", ")", "=>", "x", ")", ";"],
  // Receivers read once, into temporaries.
  ["x", "=", "await", "svc", ".", "acct", ".", "go", "(", "x", ")", ";"],
  ["const", "g", "=", "async", "(", ")", "=>", "svc", ".", "acct", ".", "go", "(", "x", ")", ";", "await", "g", "(", ")", ";"],
];
const NOISE = ["let y = 1;", "console.log(x);", "x = x + 0;", "const z = [1, 2].map((v) => v * 2);", "// a comment", "/* block */", "", "\n"];
const TRIVIA = [" ", " /* c */ ", "  "];

function program(statements: number[], noise: Array<[number, number]>, trivia: number[]): string {
  const lines: string[] = [];
  let t = 0;
  statements.forEach((s, i) => {
    for (const [at, n] of noise) if (at === i) lines.push(NOISE[n]!);
    const tokens = DURABLE[s]!;
    lines.push("  " + tokens.map((tok, k) => (k === 0 ? tok : (trivia.length ? TRIVIA[trivia[t++ % trivia.length]!]! : " ") + tok)).join(""));
  });
  return `${HEADER}export async function handler(x: number) {\n  "use durable";\n${lines.join("\n")}\n  return x;\n}\n`;
}

function names(calls: readonly CallEntry[]): string[] {
  return calls.flatMap((c) => [`${c.kind}:${c.name}`, ...(c.branches ?? []).flatMap((b) => names(b))]);
}

function compileOk(code: string, id = join(root, "src/p.ts")): CompileResult {
  const result = compile(code, id, { root });
  expect(result).not.toBeNull();
  expect(result!.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expectValidSyntax(result!.code);
  return result!;
}

function expectValidSyntax(code: string, id = "out.ts"): void {
  expect(parse(code, id).syntaxErrors.map((e) => e.messageText)).toEqual([]);
}

// A source map "mappings" decoder: [generatedLine, generatedColumn, sourceLine, sourceColumn], 0-based.
function decodeMappings(mappings: string): Array<[number, number, number, number]> {
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const out: Array<[number, number, number, number]> = [];
  let srcLine = 0, srcCol = 0, src = 0;
  mappings.split(";").forEach((line, genLine) => {
    let genCol = 0;
    for (const seg of line.split(",")) {
      if (!seg) continue;
      const values: number[] = [];
      let value = 0, shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += values[0]!;
      if (values.length >= 4) {
        src += values[1]!;
        srcLine += values[2]!;
        srcCol += values[3]!;
        out.push([genLine, genCol, srcLine, srcCol]);
      }
    }
  });
  void src;
  return out;
}

/** Every call in the manifest: the map sends its callee text in the output back to its source position. */
function expectCallsMapBack(input: string, result: CompileResult): number {
  return Math.min(callsMapBack(input, result, result.map.mappings), callsMapBack(input, result, result.tokenMap.mappings));
}

function callsMapBack(input: string, result: CompileResult, mappings: string): number {
  const segments = decodeMappings(mappings);
  const inLines = input.split("\n");
  const outLines = result.code.split("\n");
  let checked = 0;
  const visit = (calls: readonly CallEntry[]) => {
    for (const call of calls) {
      const [line, col] = call.loc.split(":").slice(-2).map(Number) as [number, number];
      // The callee's leading identifier stays in place; a concurrency head is replaced as a whole.
      const at = inLines[line - 1]!.slice(col - 1);
      const original = call.kind === "concurrency" ? "__ud." : /^[\w$]+/.exec(at)?.[0] ?? at.slice(0, 1);
      expect(original.length).toBeGreaterThan(0);
      const hits = segments.filter(([, , sl, sc]) => sl === line - 1 && sc === col - 1);
      expect(hits.length, `no mapping back to ${call.loc}`).toBeGreaterThan(0);
      expect(hits.some(([gl, gc]) => outLines[gl]!.slice(gc, gc + original.length) === original), `${call.loc} maps to other text`).toBe(true);
      checked++;
      for (const b of call.branches ?? []) visit(b);
    }
  };
  for (const d of result.manifest.durable) visit(d.calls);
  return checked;
}

const statementsArb = fc.array(fc.integer({ min: 0, max: DURABLE.length - 1 }), { minLength: 1, maxLength: 8 });

describe("compiler properties", () => {
  it("non-durable statements, comments and blank lines change no name", () => {
    fc.assert(
      fc.property(
        statementsArb,
        fc.array(fc.tuple(fc.nat(8), fc.nat(NOISE.length - 1)), { maxLength: 6 }),
        fc.array(fc.nat(TRIVIA.length - 1), { maxLength: 10 }),
        (statements, noise, trivia) => {
          const plain = compileOk(program(statements, [], []));
          const noisy = compileOk(program(statements, noise, trivia));
          expect(names(noisy.manifest.durable[0]!.calls)).toEqual(names(plain.manifest.durable[0]!.calls));
          expect(noisy.manifest.durable.map((d) => d.name)).toEqual(plain.manifest.durable.map((d) => d.name));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is idempotent on its own output", () => {
    fc.assert(
      fc.property(statementsArb, fc.array(fc.tuple(fc.nat(8), fc.nat(NOISE.length - 1)), { maxLength: 4 }), (statements, noise) => {
        const once = compileOk(program(statements, noise, []));
        const twice = compile(once.code, join(root, "src/p.ts"), { root });
        expect(twice === null || twice.code === once.code).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("returns null for a file without a directive", () => {
    const body = fc.array(fc.constantFrom(...NOISE, "export async function f() { return 1; }", '"use strict";', "const s = 'use stric';"), { maxLength: 8 });
    fc.assert(
      fc.property(body, (lines) => {
        expect(compile(lines.join("\n"), "src/plain.ts")).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it("maps every rewritten call back to its original line and column (generated programs)", () => {
    fc.assert(
      fc.property(statementsArb, fc.array(fc.tuple(fc.nat(8), fc.nat(NOISE.length - 1)), { maxLength: 4 }), fc.array(fc.nat(TRIVIA.length - 1), { maxLength: 6 }), (statements, noise, trivia) => {
        const input = program(statements, noise, trivia);
        expect(expectCallsMapBack(input, compileOk(input))).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });

  it("maps every rewritten call back to its original line and column, and emits valid syntax (fixtures)", () => {
    let checked = 0;
    for (const name of readdirSync(fixturesDir)) {
      const file = join(fixturesDir, name, "input.ts");
      if (!existsSync(file)) continue;
      const input = readFileSync(file, "utf8");
      const result = compile(input, file, { root });
      if (!result) continue;
      checked += expectCallsMapBack(input, result);
      if (!result.diagnostics.some((d) => d.code === "UD100")) expectValidSyntax(result.code);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("never throws or fails internally, whatever the input", () => {
    const inputs = readdirSync(fixturesDir).filter((n) => existsSync(join(fixturesDir, n, "input.ts"))).map((n) => readFileSync(join(fixturesDir, n, "input.ts"), "utf8"));
    const mangled = fc.tuple(fc.constantFrom(...inputs), fc.nat(), fc.nat(40), fc.string({ maxLength: 12 })).map(([src, at, cut, insert]) => {
      const i = at % (src.length + 1);
      return src.slice(0, i) + insert + src.slice(i + cut);
    });
    const junk = fc.string({ maxLength: 200 }).map((s) => `"use durable";\n${s}`);
    fc.assert(
      fc.property(fc.oneof(mangled, junk), (code) => {
        const result = compile(code, "src/x.ts");
        expect(result?.diagnostics.filter((d) => d.code === "UD190") ?? []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
