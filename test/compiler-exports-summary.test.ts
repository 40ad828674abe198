/**
 * summarizeExports / linkExports (compiler/exports-summary.ts): what a module exports as seen by a
 * durable module importing it. A wrong "step" would checkpoint a plain function, so the summary is
 * checked against the compiler itself on every fixture (it must claim exactly the exported step and
 * durable functions the compiler registers), on its own output, and on the edge cases of the rules.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, importSpecifiers, linkExports, summarizeExports, type ExportsSummary, type SummaryLoader } from "../compiler/index.ts";

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

function kinds(summary: ExportsSummary, ...wanted: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, k] of Object.entries(summary.exports)) if (typeof k === "string" && wanted.includes(k)) out[name] = k;
  return out;
}

describe("summarizeExports", () => {
  it("claims exactly the exported step and durable functions the compiler registers (every fixture), also on its output", () => {
    let checked = 0;
    for (const name of readdirSync(fixturesDir)) {
      const file = join(fixturesDir, name, "input.ts");
      if (!existsSync(file)) continue;
      const code = readFileSync(file, "utf8");
      const result = compile(code, file);
      if (!result || result.diagnostics.some((d) => d.severity === "error")) continue;
      const summary = summarizeExports(code, file);
      // The compiler's exported top-level functions, named as they are exported (classes and objects aside).
      const fromCompiler: Record<string, string> = {};
      for (const d of result.manifest.durable) if (d.exported && !d.name.includes(".")) fromCompiler[d.name] = "durable";
      for (const s of result.manifest.steps) if (s.exported && !s.name.includes(".")) fromCompiler[s.name] = "step";
      const claimed = kinds(summary, "step", "durable");
      // `export default f` of a local f is named f by the compiler (and not marked exported): skipped.
      for (const [exported, kind] of Object.entries(claimed)) if (exported !== "default" || "default" in fromCompiler) expect(fromCompiler[exported], `${name}: ${exported}`).toBe(kind);
      for (const [local, kind] of Object.entries(fromCompiler)) if (local !== "default") expect(claimed[local], `${name}: ${local}`).toBe(kind);
      expect(kinds(summarizeExports(result.code, file), "step", "durable"), `${name} (compiled)`).toEqual(claimed);
      checked += Object.keys(claimed).length;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("a module without a directive or re-export: its exported functions are plain, nothing else is known", () => {
    const s = summarizeExports(
      "export async function fetchRate(c: string) { return 1; }\nexport const round = (n: number) => n;\nexport default function () {}\nexport class Client {}\nexport const limit = 3;\n",
      "rates.ts",
    );
    expect(s).toEqual({ exports: { fetchRate: "function", round: "function", default: "function" }, reexports: {}, star: [] });
  });

  it("leaves a plain function tagged by configureStep unknown (run-time dispatch decides), not plain", () => {
    const s = summarizeExports(`import { configureStep } from "use-durable";\nexport async function fetchRate() { return 1; }\nexport async function other() { return 2; }\nconfigureStep(fetchRate, { semantics: "AT_MOST_ONCE_PER_RETRY" });\n`, "rates.ts");
    expect(s.exports).toEqual({ other: "function" });
  });

  it("follows the compiler's rules for directives", () => {
    const s = summarizeExports(
      [
        `"use step";`,
        `export async function a() {}`,
        `async function b() {}`,
        `export default b;`, // a module directive reaches `export { f }`, not `export default f`
        `async function c() {}`,
        `export { c as see };`,
        `export async function* gen() {}`,
        `export function notAsync() { "use step"; }`,
        `export async function both() { "use step"; "use durable"; }`,
        `export async function own() { "use durable"; }`,
        `export async function late() { const x = 1; "use durable"; }`,
        `export type { T } from "./types.ts";`,
      ].join("\n"),
      "m.ts",
    );
    expect(s.exports).toEqual({ a: "step", default: "function", see: "step", gen: "function", notAsync: "function", both: "function", own: "durable", late: "step" });
    expect(s.reexports).toEqual({});
  });

  it("records re-exports, including an import exported again", () => {
    const s = summarizeExports(`import { x as y } from "./a.ts";\nimport * as ns from "./b.ts";\nexport * from "./c.ts";\nexport * as d from "./d.ts";\nexport { e as f, default as g } from "./e.ts";\nexport { y, ns };\n`, "i.ts");
    expect(s).toEqual({
      exports: {},
      reexports: { d: { from: "./d.ts", name: "*" }, f: { from: "./e.ts", name: "e" }, g: { from: "./e.ts", name: "default" }, y: { from: "./a.ts", name: "x" }, ns: { from: "./b.ts", name: "*" } },
      star: ["./c.ts"],
    });
  });

  it("summarises an exported object literal by its step and durable methods, also once compiled", () => {
    const file = join(fixturesDir, "call-import-object-member", "payments.ts");
    const code = readFileSync(file, "utf8");
    const expected = { payments: { namespace: { charge: "step", refund: "step", settle: "durable" } } };
    expect(summarizeExports(code, file).exports).toEqual(expected);
    expect(summarizeExports(compile(code, file)!.code, file).exports).toEqual(expected);
  });

  it("knows nothing about a module that does not parse", () => {
    expect(summarizeExports(`"use step";\nexport async function a( {`, "x.ts")).toEqual({ exports: {}, reexports: {}, star: [] });
  });

  it("lists the specifiers a module imports from", () => {
    expect(importSpecifiers(`import a from "./a";\nimport { b } from '../b.ts';\nexport * from "./c";\nconst x = "from";`)).toEqual(["./a", "../b.ts", "./c"]);
  });
});

describe("linkExports", () => {
  const loaderOf = (files: Record<string, string>): SummaryLoader => (specifier) => {
    const code = files[specifier];
    return code === undefined ? undefined : { id: specifier, summary: summarizeExports(code, `${specifier}.ts`) };
  };

  it("export * skips default and drops a name two stars give differently; own exports and explicit re-exports win", () => {
    const load = loaderOf({
      a: `export async function s() { "use step"; }\nexport async function t() { "use step"; }\nexport default async function () { "use step"; }`,
      b: `export async function s() { "use durable"; }\nexport async function t() { "use step"; }\nexport function u() {}`,
    });
    const linked = linkExports("i", summarizeExports(`export * from "a";\nexport * from "b";\nexport { u as s2 } from "b";\nexport async function u() { "use step"; }`, "i.ts"), load);
    expect(linked).toEqual({ t: "step", u: "step", s2: "function" });
  });

  it("terminates on cycles and stops after the depth limit", () => {
    const cyclic = loaderOf({ a: `export * from "b";\nexport async function x() { "use step"; }`, b: `export * from "a";\nexport * as self from "b";` });
    expect(linkExports("a", summarizeExports(`export * from "b";\nexport async function x() { "use step"; }`, "a.ts"), cyclic).x).toBe("step");
    const chain: Record<string, string> = { m9: `export async function deep() { "use step"; }` };
    for (let i = 0; i < 9; i++) chain[`m${i}`] = `export * from "m${i + 1}";`;
    const load = loaderOf(chain);
    expect(linkExports("m0", summarizeExports(chain.m0!, "m0.ts"), load).deep).toBeUndefined();
    expect(linkExports("m1", summarizeExports(chain.m1!, "m1.ts"), load).deep).toBe("step");
  });

  it("has no prototype names", () => {
    const linked = linkExports("i", summarizeExports(`export async function f() { "use step"; }`, "i.ts"), () => undefined);
    expect(Object.hasOwn(linked, "constructor")).toBe(false);
    expect(linked.toString).toBeUndefined();
  });
});
