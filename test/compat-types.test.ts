/**
 * Compatibility, issue 10 point 5 and the export list: a project written for the official SDK 2.4
 * (test/compat-types/usage.ts: every export used, every public type named with its generics)
 * type-checks against use-durable. tsc compiles it twice with the project's strict options: as
 * written, against @aws/durable-execution-sdk-js (so the file itself is right), and with that
 * import mapped to runtime/index.ts. Both must have no diagnostics. And the runtime's export names
 * are a superset of the official 2.4.0's.
 */
import { fileURLToPath } from "node:url";
import * as official from "@aws/durable-execution-sdk-js";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import * as ours from "../runtime/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const usage = fileURLToPath(new URL("./compat-types/usage.ts", import.meta.url));

function diagnostics(paths?: Record<string, string[]>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    noUnusedLocals: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    customConditions: ["source"],
    noEmit: true,
    ...(paths && { paths }),
  };
  const program = ts.createProgram([usage], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.replace(root, "")}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** The names the official package exports, and the names usage.ts imports from it. */
function exportedAndImported(): { exported: string[]; imported: string[] } {
  const program = ts.createProgram([usage], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ["node"], skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(usage)!;
  const imported: string[] = [];
  let exported: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (module) exported = checker.getExportsOfModule(module).map((s) => s.name);
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) imported.push(...bindings.elements.map((e) => e.name.text));
  }
  return { exported: exported.sort(), imported: imported.sort() };
}

describe("types", () => {
  test("the usage file names every export of the official package (values and types)", () => {
    const { exported, imported } = exportedAndImported();
    expect(exported.length).toBe(134);
    expect(exported.filter((name) => !imported.includes(name))).toEqual([]);
  });

  test("the usage file type-checks against the official SDK 2.4", () => {
    expect(diagnostics()).toEqual([]);
  });

  test("the same file type-checks against use-durable", () => {
    expect(diagnostics({ "@aws/durable-execution-sdk-js": [`${root}runtime/index.ts`] })).toEqual([]);
  });
});

describe("exports", () => {
  test("every runtime export of the official SDK 2.4.0 is exported by use-durable", () => {
    const missing = Object.keys(official).filter((name) => !(name in ours));
    expect(missing).toEqual([]);
    expect(Object.keys(official)).toHaveLength(52);
  });
});
