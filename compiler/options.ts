/** Compiler options and their defaults: every default lives in resolveOptions(). */
import type { ImportedModule } from "./exports-link.ts";

export interface CompileOptions {
  /** Directory that manifest and diagnostic paths are relative to. @default "" (paths as given) */
  root?: string;
  /** Report replay hazards (UD2xx) as errors instead of warnings. @default false */
  strict?: boolean;
  /** Module specifiers (as written in imports) whose exports are all step functions. @default [] */
  steps?: string[];
  /**
   * What the modules this file imports export, keyed by the specifier as written in its imports (the
   * plugin builds it with summarizeExports + linkExports). A callee imported from a module listed here
   * is resolved statically; anything else is dispatched at run time. @default {}
   */
  imports?: Readonly<Record<string, ImportedModule>>;
}

export interface ResolvedOptions {
  root: string;
  strict: boolean;
  steps: ReadonlySet<string>;
  imports: ReadonlyMap<string, ImportedModule>;
}

export function resolveOptions(options: CompileOptions = {}): ResolvedOptions {
  return {
    root: options.root ?? "",
    strict: options.strict ?? false,
    steps: new Set((options.steps ?? []).flatMap((s) => [s, s.replace(/\.[cm]?[jt]sx?$/, "")])),
    imports: new Map(Object.entries(options.imports ?? {})),
  };
}

/** The file id relative to root, with `/` separators; never absolute when root contains it. */
export function relativeId(id: string, root: string): string {
  const file = id.replace(/\\/g, "/").replace(/[?#].*$/, "");
  const base = root.replace(/\\/g, "/").replace(/\/+$/, "");
  if (base && file.startsWith(base + "/")) return file.slice(base.length + 1);
  if (/^([a-zA-Z]:)?\//.test(file)) {
    // Outside root (or no root): keep only the base name so no machine path leaks into a manifest.
    return file.slice(file.lastIndexOf("/") + 1);
  }
  return file;
}
