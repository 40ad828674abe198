// The one unplugin factory behind use-durable/esbuild, /vite, /rollup, /webpack and /rspack.
// It filters (ids, then a cheap text test for a directive), calls compile() (once per module text, see
// compile-cache.ts), hands code + map back to the bundler, reports diagnostics through the bundler, and
// writes the build manifest. Everything about durable code itself belongs to compiler/; nothing here
// parses or rewrites source.

import { createUnplugin, type UnpluginBuildContext, type UnpluginFactory, type UnpluginInstance, type UnpluginOptions } from "unplugin";
import { reportDiagnostics } from "./diagnostics.ts";
import { dirname, isAbsolute } from "node:path";
import { DurableModules } from "./durable-modules.ts";
import type { ResolveFn } from "./import-summaries.ts";
import { DIRECTIVE_HINT, ESBUILD_LOAD_FILTER, stripQuery } from "./module-filter.ts";
import { mapUrl, type MapJson, type MapKind } from "./module-output.ts";
import { PLUGIN_NAME, resolveOptions, type Options } from "./options.ts";

export { PLUGIN_NAME };

const factory: UnpluginFactory<Options | undefined, false> = (rawOptions, meta) => {
  const options = resolveOptions(rawOptions);
  const modules = new DurableModules(options);
  const writeManifest = (): void => modules.writeManifest();

  const esbuild = meta.framework === "esbuild";
  // esbuild reads an input map only to write one: a build without source maps gets none (set in config).
  let esbuildMaps: MapKind = "token";

  const plugin: UnpluginOptions = {
    name: PLUGIN_NAME,
    enforce: "pre",
    transform: {
      filter: { id: { include: options.include, exclude: options.exclude }, code: { include: DIRECTIVE_HINT } },
      async handler(code, id) {
        const file = stripQuery(id);
        const webpack = meta.framework === "webpack";
        const compiled = await modules.compile(code, file, bundlerResolve(this, meta.framework), esbuild ? esbuildMaps : webpack ? "both" : "hires");
        if (compiled === null) return null;
        for (const watched of compiled.watchFiles) this.addWatchFile(watched);
        const { output } = compiled;
        reportDiagnostics(this, meta.framework, file, output.diagnostics, compiled.format);
        // esbuild gets the token map inline and no `map` (unplugin would inline the hi-res one): exact at
        // every token, and esbuild decodes a third of the segments.
        if (esbuild) return output.tokenMap ? `${output.code}\n//# sourceMappingURL=${mapUrl(output.tokenMap)}\n` : output.code;
        return { code: webpack && output.tokenMap ? withInlineMap(output.code, output.tokenMap, file) : output.code, map: output.map };
      },
    },
    // A changed module leaves the manifest until it is transformed again: one that lost its directive
    // never reaches the handler, and must not linger there.
    watchChange(id, change) {
      modules.changed(stripQuery(id), change.event === "delete");
    },
    // Written at the end of the build, so a failed build has one too, and again once output is
    // written, because Vite empties its outDir in between (the manifest may live there).
    buildStart() {
      // esbuild has no watchChange, and runs every module through onLoad again on a rebuild: the
      // manifest is collected afresh, so a module that lost its directive leaves it.
      if (esbuild) modules.forgetModules();
      modules.startBuild();
    },
    buildEnd() {
      writeManifest();
      modules.endBuild();
    },
    writeBundle: writeManifest,
    esbuild: {
      // esbuild crosses from Go into JS only for these; transform.filter then decides in JS.
      onLoadFilter: ESBUILD_LOAD_FILTER,
      config(initial) {
        modules.bundlerRoot = initial.absWorkingDir;
        esbuildMaps = initial.sourcemap ? "token" : "none";
      },
    },
    vite: {
      configResolved(config) {
        modules.bundlerRoot = config.root;
      },
    },
    webpack(compiler) {
      modules.bundlerRoot = compiler.context;
    },
    rspack(compiler) {
      modules.bundlerRoot = compiler.context;
    },
  };
  return plugin;
};

/**
 * webpack hands a loader's map to the next loader as an argument, which esbuild-loader (the usual
 * TypeScript loader there) ignores, so stack traces pointed at the compiled columns. esbuild does read
 * an inline map; its transform API cannot resolve a relative source, hence the absolute path.
 */
function withInlineMap(code: string, map: MapJson, file: string): string {
  const json = JSON.stringify({ version: 3, sources: [file], sourcesContent: map.sourcesContent, names: [], mappings: map.mappings });
  return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(json, "utf8").toString("base64")}\n`;
}

type RollupResolve = (source: string, importer: string, options: { skipSelf: boolean }) => Promise<{ id: string; external?: unknown } | null>;

type LoaderResolve = (context: string, request: string) => Promise<string | false | undefined>;

/**
 * The bundler's own resolver for the transform hook (its aliases, tsconfig paths, extensions): Rollup
 * and Vite's this.resolve, webpack and Rspack's loader getResolve(), esbuild's build.resolve; undefined otherwise.
 */
function bundlerResolve(context: UnpluginBuildContext, framework: string): ResolveFn | undefined {
  const native = framework === "webpack" || framework === "rspack" || framework === "esbuild" ? context.getNativeBuildContext?.() : undefined;
  if (native?.framework === "esbuild") {
    // esbuild's own resolver: its tsconfig paths, conditions and aliases.
    const { build } = native;
    return async (specifier, importer) => {
      const r = await build.resolve(specifier, { kind: "import-statement", importer, resolveDir: dirname(importer) });
      return r.errors.length === 0 && !r.external && r.namespace === "file" && r.path ? r.path : undefined;
    };
  }
  if (native && (native.framework === "webpack" || native.framework === "rspack") && native.loaderContext) {
    const resolveIn = (native.loaderContext.getResolve as (options: object) => LoaderResolve)({ dependencyType: "esm" });
    return async (specifier, importer) => {
      const found = await resolveIn(dirname(importer), specifier);
      return typeof found === "string" && isAbsolute(stripQuery(found)) ? stripQuery(found) : undefined;
    };
  }
  const resolve = (context as { resolve?: RollupResolve }).resolve;
  if (!["rollup", "vite", "rolldown"].includes(framework) || typeof resolve !== "function") return undefined;
  return async (specifier, importer) => {
    const r = await resolve.call(context, specifier, importer, { skipSelf: true });
    return r && !r.external && !r.id.startsWith("\0") && isAbsolute(stripQuery(r.id)) ? stripQuery(r.id) : undefined;
  };
}

/** The plugin for every bundler; `use-durable/<bundler>` exports one member of it. */
export const unplugin: UnpluginInstance<Options | undefined, false> = createUnplugin(factory);

export { resolveOptions, PluginOptionsError, DEFAULT_MANIFEST, DEFAULT_CACHE } from "./options.ts";
export type { Options, ResolvedOptions, FilterPattern } from "./options.ts";
export type { BuildManifest } from "./build-manifest.ts";
