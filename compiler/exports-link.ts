/**
 * Follows re-exports: from the summaries of one module and of what it re-exports from (found by a
 * loader the caller provides), the exports an importer sees (`ImportedModule`), which
 * `CompileOptions.imports` hands to compile(). Pure; never resolves a specifier itself.
 */
import type { ExportKind, ExportsSummary } from "./exports-summary.ts";

/** One export as seen from an importer: its kind, or a namespace (`export * as ns from ...`). */
export type ImportedExport = ExportKind | { namespace: ImportedModule };
/** A module's exports with its re-exports followed; a name that is absent is not known statically. */
export type ImportedModule = Readonly<Record<string, ImportedExport>>;

/** How deep re-export chains are followed (index.ts -> feature/index.ts -> activities.ts is 2). */
export const MAX_REEXPORT_DEPTH = 8;

function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Resolves `specifier` as written in module `importer`; undefined when it cannot be read. */
export type SummaryLoader = (specifier: string, importer: string) => { id: string; summary: ExportsSummary } | undefined;

/**
 * The exports of module `id` with its re-exports followed through `load`, at most `depth` levels.
 * `export *` never carries `default`; a name two `export *` provide differently is left out (as in
 * JS, where it is ambiguous); names the module itself exports win over `export *`.
 */
export function linkExports(id: string, summary: ExportsSummary, load: SummaryLoader, depth: number = MAX_REEXPORT_DEPTH): ImportedModule {
  return link(id, summary, load, depth, new Map(), new Set());
}

function link(id: string, summary: ExportsSummary, load: SummaryLoader, depth: number, done: Map<string, ImportedModule>, active: Set<string>): ImportedModule {
  const cached = done.get(id);
  if (cached) return cached;
  const out = record<ImportedExport>();
  if (active.has(id)) return out; // a cycle: what is known so far comes from the outer visit
  active.add(id);
  const follow = (from: string): ImportedModule | undefined => {
    if (depth <= 0) return undefined;
    const next = load(from, id);
    return next ? link(next.id, next.summary, load, depth - 1, done, active) : undefined;
  };
  const ambiguous = new Set<string>();
  for (const from of summary.star) {
    const mod = follow(from);
    if (!mod) continue;
    for (const name of Object.keys(mod)) {
      if (name === "default" || ambiguous.has(name)) continue;
      if (Object.hasOwn(out, name) && !sameExport(out[name]!, mod[name]!)) {
        ambiguous.add(name);
        delete out[name];
      } else out[name] = mod[name]!;
    }
  }
  for (const [name, { from, name: imported }] of Object.entries(summary.reexports)) {
    delete out[name];
    const mod = follow(from);
    if (!mod) continue;
    if (imported === "*") out[name] = { namespace: mod };
    else if (Object.hasOwn(mod, imported)) out[name] = mod[imported]!;
  }
  for (const [name, kind] of Object.entries(summary.exports)) out[name] = kind;
  active.delete(id);
  done.set(id, out);
  return out;
}

function sameExport(a: ImportedExport, b: ImportedExport): boolean {
  return typeof a === "string" || typeof b === "string" ? a === b : a.namespace === b.namespace;
}

