// What the modules a durable module imports export, for compile()'s `imports` option: the plugin's
// half of resolving imported steps statically (the compiler's half is compiler/exports-summary.ts,
// which reads text; this file finds and reads the files). Only durable modules come here, so a build
// without durable code never resolves anything.
//
// Specifiers resolve through the bundler's own resolver when it offers one (esbuild's build.resolve,
// Rollup/Vite's this.resolve: tsconfig paths and aliases work), else relative ones by probing the file
// extensions. A module counts only if the build will tag its functions: the plugin compiles it (the
// include/exclude filters) or it is already compiled. node_modules files without a directive are not
// read further (library barrels can re-export hundreds of files). Summaries are cached by path and text
// across the modules of a build and its rebuilds.

import { readFileSync, statSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import type { ExportsSummary, ImportedModule } from "../compiler/index.ts";
import { withoutPrototypes } from "./compile-job.ts";
import { runOffThread } from "./compile-thread.ts";
import type { DiskCache } from "./disk-cache.ts";

type CompilerModule = typeof import("../compiler/light.ts");

/** The bundler's resolver: an absolute file path, or undefined (external, virtual, not found). */
export type ResolveFn = (specifier: string, importer: string) => Promise<string | undefined>;

export interface ImportSummary {
  imports: Record<string, ImportedModule>;
  /** Every file read, for the bundler to watch: a change there changes this module's output. */
  files: string[];
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".jsx", ".cjs"];
const NODE_MODULES = /[\\/]node_modules[\\/]/;
// Never a user module: the runtime's own API, Node built-ins.
const SKIP = /^(?:use-durable(?:\/|$)|node:)/;

/** Relative specifiers only, as Node and TypeScript's bundler resolution would find them. */
export function probeRelative(specifier: string, importer: string): string | undefined {
  if (!specifier.startsWith(".") && !specifier.startsWith("/")) return undefined;
  const base = resolvePath(dirname(importer), specifier.replace(/[?#].*$/, ""));
  const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  if (isFile(base)) return base;
  // TypeScript's ESM convention: `./a.js` names ./a.ts.
  const swapped = base.replace(/\.([cm]?)js(x?)$/, ".$1ts$2");
  if (swapped !== base && isFile(swapped)) return swapped;
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  for (const ext of EXTENSIONS) if (isFile(`${base}/index${ext}`)) return `${base}/index${ext}`;
  return undefined;
}

export class ImportSummaries {
  readonly #files = new Map<string, { code: string; summary: ExportsSummary | undefined }>();
  readonly #compiles: (path: string) => boolean;
  readonly #disk: () => DiskCache | null;

  /**
   * `compiles(path)`: whether the plugin would compile that module (its include/exclude filters);
   * `disk()`: the persistent cache, where a summary that needed a parse outlives the process.
   */
  constructor(compiles: (path: string) => boolean, disk: () => DiskCache | null = () => null) {
    this.#compiles = compiles;
    this.#disk = disk;
  }

  async forModule(compiler: CompilerModule, code: string, id: string, bundlerResolve: ResolveFn | undefined): Promise<ImportSummary> {
    const resolveOne = async (specifier: string, importer: string): Promise<string | undefined> => {
      if (SKIP.test(specifier)) return undefined;
      if (bundlerResolve) {
        try {
          const found = await bundlerResolve(specifier, importer);
          if (found !== undefined) return found;
        } catch {
          // Resolution errors are the bundler's to report when it loads the import itself.
        }
      }
      return probeRelative(specifier, importer);
    };
    // First every file the re-export chains reach (resolution may be async), then the synchronous link.
    const resolved = new Map<string, string | undefined>();
    const read = new Set<string>();
    let frontier: Array<[specifier: string, importer: string]> = compiler.importSpecifiers(code).map((s) => [s, id]);
    for (let depth = 0; depth <= compiler.MAX_REEXPORT_DEPTH && frontier.length > 0; depth++) {
      const next: Array<[string, string]> = [];
      await Promise.all(frontier.map(async ([specifier, importer]) => {
        const key = `${importer}\0${specifier}`;
        if (resolved.has(key)) return;
        resolved.set(key, undefined);
        const path = await resolveOne(specifier, importer);
        if (path === undefined || path === importer) return;
        const summary = await this.#summary(compiler, path);
        if (summary === undefined) return;
        resolved.set(key, path);
        read.add(path);
        for (const from of [...summary.star, ...Object.values(summary.reexports).map((r) => r.from)]) next.push([from, path]);
      }));
      frontier = next;
    }
    const load = (specifier: string, importer: string) => {
      const path = resolved.get(`${importer}\0${specifier}`);
      const summary = path === undefined ? undefined : this.#files.get(path)?.summary;
      return path === undefined || summary === undefined ? undefined : { id: path, summary };
    };
    const imports: Record<string, ImportedModule> = {};
    for (const specifier of compiler.importSpecifiers(code)) {
      const found = load(specifier, id);
      if (found) imports[specifier] = compiler.linkExports(found.id, found.summary, load);
    }
    return { imports, files: [...read] };
  }

  /** The summary of one file, or undefined when its functions will not carry tags in this build. */
  async #summary(compiler: CompilerModule, path: string): Promise<ExportsSummary | undefined> {
    let code: string;
    try {
      code = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    const cached = this.#files.get(path);
    if (cached?.code === code) return cached.summary;
    const tagged = compiler.isAlreadyCompiled(code) || this.#compiles(path);
    const library = NODE_MODULES.test(path) && !compiler.mayHaveDirective(code);
    const summary = tagged && !library ? await this.#summarize(code, path) : undefined;
    this.#files.set(path, { code, summary });
    return summary;
  }

  /** From the persistent cache, else parsed on the compile thread (it may need TypeScript). */
  async #summarize(code: string, path: string): Promise<ExportsSummary> {
    const disk = this.#disk();
    const key = disk?.key(path, code);
    const stored = key === undefined ? undefined : disk?.get<ExportsSummary>("summary", path, key);
    if (stored !== undefined) return withoutPrototypes(stored);
    const summary = await runOffThread({ op: "summarize", code, file: path }, disk?.v8Dir);
    if (key !== undefined) disk?.set("summary", path, key, summary);
    return summary;
  }
}
