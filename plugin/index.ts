// The one unplugin factory behind use-durable/esbuild, /vite, /rollup, /webpack and /rspack.
// It filters (ids, then a cheap text test for a directive), calls compile() (once per module text, see
// compile-cache.ts), hands code + map back to the bundler, reports diagnostics through the bundler, and
// writes the build manifest. Everything about durable code itself belongs to compiler/; nothing here
// parses or rewrites source.

import { createUnplugin, type UnpluginFactory, type UnpluginInstance } from "unplugin";
import { BuildManifestCollector } from "./build-manifest.ts";
import { CompileCache } from "./compile-cache.ts";
import { reportDiagnostics } from "./diagnostics.ts";
import { DIRECTIVE_HINT, stripQuery } from "./module-filter.ts";
import { resolveOptions, type Options } from "./options.ts";

type CompilerModule = typeof import("../compiler/index.ts");
type CompileResult = NonNullable<ReturnType<CompilerModule["compile"]>>;
let compilerModule: Promise<CompilerModule> | undefined;

// The compiler (and TypeScript behind it) loads on the first module that may carry a directive, so a
// build without durable code never pays for it.
function loadCompiler(): Promise<CompilerModule> {
  return (compilerModule ??= import("../compiler/index.ts"));
}

export const PLUGIN_NAME = "use-durable";

const factory: UnpluginFactory<Options | undefined, false> = (rawOptions, meta) => {
  const options = resolveOptions(rawOptions);
  const collector = new BuildManifestCollector();
  const cache = new CompileCache<CompileResult | null>();
  let bundlerRoot: string | undefined;
  const root = (): string => options.root ?? bundlerRoot ?? process.cwd();
  const writeManifest = (): void => {
    if (options.manifest !== false) collector.write(root(), options.manifest);
  };

  return {
    name: PLUGIN_NAME,
    enforce: "pre",
    transform: {
      filter: { id: { include: options.include, exclude: options.exclude }, code: { include: DIRECTIVE_HINT } },
      async handler(code, id) {
        const file = stripQuery(id);
        const { compile, formatDiagnostic } = await loadCompiler();
        let result = cache.lookup(file, code, root())?.result;
        if (result === undefined) {
          result = compile(code, file, { root: root(), strict: options.strict, steps: options.steps });
          cache.store(file, code, root(), result);
        }
        if (result === null) {
          collector.delete(file);
          return null;
        }
        collector.set(file, result.manifest);
        reportDiagnostics(this, meta.framework, file, result.diagnostics, formatDiagnostic);
        return { code: result.code, map: result.map };
      },
    },
    // A changed module leaves the manifest until it is transformed again: one that lost its directive
    // never reaches the handler, and must not linger there.
    watchChange(id, change) {
      collector.delete(stripQuery(id));
      if (change.event === "delete") cache.delete(stripQuery(id));
    },
    // Written at the end of the build, so a failed build has one too, and again once output is
    // written, because Vite empties its outDir in between (the manifest may live there).
    buildEnd: writeManifest,
    writeBundle: writeManifest,
    esbuild: {
      // esbuild runs onLoad callbacks in Go and only crosses into JS when the path matches, so the id
      // filter is worth repeating here as one RegExp.
      onLoadFilter: /\.[cm]?[jt]sx?$/,
      config(initial) {
        bundlerRoot = initial.absWorkingDir;
      },
    },
    vite: {
      configResolved(config) {
        bundlerRoot = config.root;
      },
    },
    webpack(compiler) {
      bundlerRoot = compiler.context;
    },
    rspack(compiler) {
      bundlerRoot = compiler.context;
    },
  };
};

/** The plugin for every bundler; `use-durable/<bundler>` exports one member of it. */
export const unplugin: UnpluginInstance<Options | undefined, false> = createUnplugin(factory);

export { resolveOptions, PluginOptionsError, DEFAULT_MANIFEST } from "./options.ts";
export type { Options, ResolvedOptions, FilterPattern } from "./options.ts";
export type { BuildManifest } from "./build-manifest.ts";
