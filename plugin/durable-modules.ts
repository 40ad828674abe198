// What one plugin instance knows across the modules of a build and its rebuilds: the resolved options,
// the root, the lazily loaded compiler, the compile caches (in memory, and on disk under
// `.use-durable/cache`) and the build manifest. Every bundler reaches it through unplugin's transform
// hook (plugin/index.ts).

import { resolve as resolvePath } from "node:path";
import { BuildManifestCollector } from "./build-manifest.ts";
import { CompileCache } from "./compile-cache.ts";
import { DiskCache } from "./disk-cache.ts";
import { ImportSummaries, type ResolveFn } from "./import-summaries.ts";
import { compileThreadStarted, runOffThread } from "./compile-thread.ts";
import { makeSnapshotInBackground } from "./compile-snapshot.ts";
import { compilesId } from "./module-filter.ts";
import type { MapKind, ModuleOutput } from "./module-output.ts";
import type { ResolvedOptions } from "./options.ts";
import { lastBuildChanged, rememberBuild } from "./warm-start.ts";

type CompilerModule = typeof import("../compiler/light.ts");
export type CompileResult = NonNullable<ReturnType<typeof import("../compiler/index.ts")["compile"]>>;
export type FormatDiagnostic = CompilerModule["formatDiagnostic"];

let compilerModule: Promise<CompilerModule> | undefined;

// The compiler's light half (compiler/light.ts: the directive test, import specifiers, linking,
// diagnostics) loads on the first module that may carry a directive, so a build without durable code never pays for it. Parsing
// (compile, summaries) runs on the compile thread (compile-thread.ts), started on the first miss in
// both caches, so a build where nothing changed never loads TypeScript.
function loadCompiler(): Promise<CompilerModule> {
  return (compilerModule ??= import("../compiler/light.ts"));
}

export class DurableModules {
  readonly options: ResolvedOptions;
  /** Set by the bundler's own notion of root (esbuild absWorkingDir, Vite root, webpack context). */
  bundlerRoot: string | undefined;
  readonly #collector = new BuildManifestCollector();
  readonly #cache = new CompileCache<ModuleOutput | null>();
  readonly #imports: ImportSummaries;
  #disk: DiskCache | null | undefined;

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.#imports = new ImportSummaries((path) => compilesId(path, options.include, options.exclude), () => this.disk());
  }

  root(): string {
    return this.options.root ?? this.bundlerRoot ?? process.cwd();
  }

  /** The persistent cache, once the root is known; null when the `cache` option is false. */
  disk(): DiskCache | null {
    if (this.#disk === undefined) this.#disk = this.options.cache === false ? null : new DiskCache(resolvePath(this.root(), this.options.cache));
    return this.#disk;
  }

  /**
   * Compiles one module (or reuses the result for the same text, options and imports); null when it
   * holds no directive. `resolve` is the bundler's resolver, if it offers one; `maps` the source maps the
   * bundler reads; `watchFiles` lists the imported files read to resolve its callees, which the bundler
   * should watch.
   */
  async compile(code: string, file: string, resolve: ResolveFn | undefined, maps: MapKind): Promise<{ output: ModuleOutput; format: FormatDiagnostic; watchFiles: string[] } | null> {
    const compiler = await loadCompiler();
    const root = this.root();
    // Only a module that really holds a directive pays for resolving its imports.
    const { imports, files } = compiler.mayHaveDirective(code) && !compiler.isAlreadyCompiled(code)
      ? await this.#imports.forModule(compiler, code, file, resolve)
      : { imports: {}, files: [] };
    const importsKey = files.length > 0 ? JSON.stringify(imports) : "";
    let output = this.#cache.lookup(file, code, root, importsKey + maps)?.result;
    if (output === undefined) {
      const disk = this.disk();
      const key = disk?.key(file, root, code, importsKey, maps, JSON.stringify([this.options.strict, this.options.steps]));
      output = key === undefined ? undefined : disk?.get<ModuleOutput | null>(`compile-${maps}`, file, key);
      if (output === undefined) {
        const options = { root, strict: this.options.strict, steps: this.options.steps, imports };
        output = await runOffThread({ op: "compile", code, file, options, maps }, disk?.v8Dir);
        if (key !== undefined) disk?.set(`compile-${maps}`, file, key, output);
      }
      this.#cache.store(file, code, root, output, importsKey + maps);
    }
    if (output === null) {
      this.#collector.delete(file);
      return null;
    }
    this.#collector.set(file, output.manifest);
    return { output, format: compiler.formatDiagnostic, watchFiles: files };
  }

  /**
   * At the start of a build: when a durable module of the last build has changed, start the compile
   * thread loading TypeScript now, beside the bundler (warm-start.ts).
   */
  startBuild(): void {
    const disk = this.disk();
    if (disk && lastBuildChanged(disk.dir)) runOffThread({ op: "warm", file: "use-durable-warm.ts" }, disk.v8Dir).catch(() => {});
  }

  /**
   * At the end of a build: what the next one's startBuild() compares with; and, when this build had to
   * compile, the compile server's snapshot for the next (compile-snapshot.ts), if there is none yet.
   */
  endBuild(): void {
    const disk = this.disk();
    if (disk) rememberBuild(disk.dir, this.#collector.files());
    if (compileThreadStarted()) makeSnapshotInBackground();
  }

  /** Forgets every module's manifest (a bundler that sends every module again on a rebuild). */
  forgetModules(): void {
    for (const file of [...this.#collector.files()]) this.#collector.delete(file);
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
