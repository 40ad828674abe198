/**
 * Registers the classes of a module with a directive, so their instances and errors keep their
 * class across a checkpoint (runtime/SPEC.md "Values in compiled code"): each top-level class
 * declaration, and each imported class the module constructs, tests with `instanceof` or extends.
 * The key is the class name and its module (a path relative to root without extension, or a
 * package specifier), the same from the declaring module and from an importer. A thunk defers the
 * read, so an import inside a module cycle is never read in its temporal dead zone.
 */
import type { FileContext } from "./file-context.ts";
import { PUBLIC_SPECIFIER, RT } from "./specifiers.ts";
import type { TS } from "./typescript.ts";

/** `src/errors.ts` -> `src/errors`, `src/errors/index.ts` -> `src/errors`: one key per module. */
export function moduleKey(path: string): string {
  return path.replace(/\.[cm]?[jt]sx?$/, "").replace(/\/index$/, "");
}

/** A specifier seen from `file` as a module key: relative ones resolved, packages as written. */
export function importedModuleKey(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return moduleKey(specifier);
  const parts = file.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return moduleKey(parts.join("/"));
}

function registration(local: string, name: string, module: string): string {
  return ` ${RT.registerClass}(() => ${local}, { name: ${JSON.stringify(name)}, module: ${JSON.stringify(module)} });`;
}

/** Whether `name` is constructed, tested with instanceof or extended in the code (a text scan). */
function usedAsClass(code: string, name: string): boolean {
  const n = name.replace(/\$/g, "\\$");
  return new RegExp(`\\bnew\\s+${n}\\s*[(<]|\\binstanceof\\s+${n}\\b|\\bclass\\b[^{;]*\\bextends\\s+${n}\\b`).test(code);
}

export function emitClassRegistrations(fc: FileContext): void {
  const { ts, sf, s, code, file } = fc;
  for (const stmt of sf.statements) {
    if (ts.isClassDeclaration(stmt) && stmt.name && !hasDeclare(ts, stmt)) {
      s.appendLeft(stmt.end, registration(stmt.name.text, stmt.name.text, moduleKey(file)));
    } else if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause && !stmt.importClause.isTypeOnly && !isRuntimeOrBuiltIn(stmt.moduleSpecifier.text)) {
      const module = importedModuleKey(file, stmt.moduleSpecifier.text);
      const clause = stmt.importClause;
      const found: string[] = [];
      if (clause.name && /^[A-Z]/.test(clause.name.text) && usedAsClass(code, clause.name.text)) found.push(registration(clause.name.text, clause.name.text, module));
      const named = clause.namedBindings;
      if (named && ts.isNamedImports(named)) {
        for (const el of named.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (!el.isTypeOnly && /^[A-Z]/.test(el.name.text) && usedAsClass(code, el.name.text)) found.push(registration(el.name.text, imported, module));
        }
      }
      if (found.length > 0) s.appendLeft(stmt.end, found.join(""));
    }
  }
}

/** The runtime registers its own classes; Node's built-ins are not user data classes. */
function isRuntimeOrBuiltIn(specifier: string): boolean {
  return specifier === PUBLIC_SPECIFIER || specifier.startsWith(`${PUBLIC_SPECIFIER}/`) || specifier.startsWith("node:");
}

function hasDeclare(ts: typeof TS, node: TS.ClassDeclaration): boolean {
  return (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
}
