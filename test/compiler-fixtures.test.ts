/**
 * Compiler fixtures: every folder under fixtures/ is one behaviour. `input.ts` is compiled with the
 * folder's `options.json` (if any); the result must equal `output.ts`, `diagnostics.txt` (when there
 * are diagnostics) and `manifest.json`. A folder with `null.txt` (which says why) expects `compile()`
 * to return null. A folder with `imports.json` (specifiers of input.ts) resolves those specifiers to the
 * folder's own files, summarised and linked as the plugin does, and passes them as `options.imports`.
 * Update the expected files with `npx vitest run test/compiler-fixtures.test.ts -u`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGoldenFile } from "./compiler-golden.ts";
import { compile, formatDiagnostic, linkExports, summarizeExports, type CompileOptions, type ImportedModule, type SummaryLoader } from "../compiler/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixturesDir = join(root, "fixtures");
const cases = readdirSync(fixturesDir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(fixturesDir, d.name, "input.ts"))).map((d) => d.name).sort();

export function fixtureOptions(name: string): CompileOptions {
  const file = join(fixturesDir, name, "options.json");
  const options = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as CompileOptions) : {};
  const importsFile = join(fixturesDir, name, "imports.json");
  if (existsSync(importsFile)) options.imports = fixtureImports(join(fixturesDir, name), JSON.parse(readFileSync(importsFile, "utf8")) as string[]);
  return { ...options, root };
}

/** Relative specifiers resolve to files of the fixture folder; one that names no file stays unresolved. */
function fixtureImports(dir: string, specifiers: string[]): Record<string, ImportedModule> {
  const load: SummaryLoader = (specifier, importer) => {
    const id = join(dirname(importer), specifier);
    if (!id.startsWith(dir) || !existsSync(id)) return undefined;
    return { id, summary: summarizeExports(readFileSync(id, "utf8"), id) };
  };
  const imports: Record<string, ImportedModule> = {};
  for (const specifier of specifiers) {
    const found = load(specifier, join(dir, "input.ts"));
    if (found) imports[specifier] = linkExports(found.id, found.summary, load);
  }
  return imports;
}

describe("compiler fixtures", () => {
  it("has at least 40 behaviours", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(fixturesDir, name);
      const input = readFileSync(join(dir, "input.ts"), "utf8");
      const result = compile(input, join(dir, "input.ts"), fixtureOptions(name));
      if (existsSync(join(dir, "null.txt"))) return void expect(result).toBeNull();
      expect(result, "compile() returned null; add null.txt if that is expected").not.toBeNull();
      await expectGoldenFile(result!.code, join(dir, "output.ts"));
      const diagnostics = result!.diagnostics.map(formatDiagnostic).join("\n\n");
      if (diagnostics || existsSync(join(dir, "diagnostics.txt"))) await expectGoldenFile(diagnostics + "\n", join(dir, "diagnostics.txt"));
      await expectGoldenFile(JSON.stringify(result!.manifest, null, 2) + "\n", join(dir, "manifest.json"));
      // Idempotent on its own output.
      const again = compile(result!.code, join(dir, "input.ts"), fixtureOptions(name));
      expect(again === null || again.code === result!.code).toBe(true);
    });
  }
});
