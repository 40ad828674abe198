// What one plugin instance knows across the modules of a build and its rebuilds: the resolved options,
// the root, the lazily loaded compiler, the compile cache and the build manifest. Both ways the plugin
// reaches a bundler (unplugin's transform hook, and the direct esbuild hook in esbuild-setup.ts) go
// through compile() here, so they cannot drift apart.

import { BuildManifestCollector } from "./build-manifest.ts";
import { CompileCache } from "./compile-cache.ts";
import { ImportSummaries, type ResolveFn } from "./import-summaries.ts";
import { compilesId } from "./module-filter.ts";
import type { ResolvedOptions } from "./options.ts";

type CompilerModule = typeof import("../compiler/index.ts");
export type CompileResult = NonNullable<ReturnType<CompilerModule["compile"]>>;
export type FormatDiagnostic = CompilerModule["formatDiagnostic"];

let compilerModule: Promise<CompilerModule> | undefined;

// The compiler (and TypeScript behind it) loads on the first module that may carry a directive, so a
// build without durable code never pays for it.
function loadCompiler(): Promise<CompilerModule> {
  return (compilerModule ??= import("../compiler/index.ts"));
}

export class DurableModules {
  readonly options: ResolvedOptions;
  /** Set by the bundler's own notion of root (esbuild absWorkingDir, Vite root, webpack context). */
  bundlerRoot: string | undefined;
  readonly #collector = new BuildManifestCollector();
  readonly #cache = new CompileCache<CompileResult | null>();
  readonly #imports: ImportSummaries;

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.#imports = new ImportSummaries((path) => compilesId(path, options.include, options.exclude));
  }

  root(): string {
    return this.options.root ?? this.bundlerRoot ?? process.cwd();
  }

  /**
   * Compiles one module (or reuses the result for the same text and imports); null when it holds no
   * directive. `resolve` is the bundler's resolver, if it offers one; `watchFiles` lists the imported
   * files read to resolve its callees, which the bundler should watch.
   */
  async compile(code: string, file: string, resolve?: ResolveFn): Promise<{ result: CompileResult; format: FormatDiagnostic; watchFiles: string[] } | null> {
    const compiler = await loadCompiler();
    const root = this.root();
    // Only a module that really holds a directive pays for resolving its imports.
    const { imports, files } = compiler.mayHaveDirective(code) && !compiler.isAlreadyCompiled(code)
      ? await this.#imports.forModule(compiler, code, file, resolve)
      : { imports: {}, files: [] };
    const importsKey = files.length > 0 ? JSON.stringify(imports) : "";
    let result = this.#cache.lookup(file, code, root, importsKey)?.result;
    if (result === undefined) {
      result = compiler.compile(code, file, { root, strict: this.options.strict, steps: this.options.steps, imports });
      this.#cache.store(file, code, root, result, importsKey);
    }
    if (result === null) {
      this.#collector.delete(file);
      return null;
    }
    this.#collector.set(file, result.manifest);
    return { result, format: compiler.formatDiagnostic, watchFiles: files };
  }

  /** A changed module leaves the manifest until compiled again; a deleted one leaves the cache too. */
  changed(file: string, deleted: boolean): void {
    this.#collector.delete(file);
    if (deleted) this.#cache.delete(file);
  }

  writeManifest(): void {
    if (this.options.manifest !== false) this.#collector.write(this.root(), this.options.manifest);
  }
}
