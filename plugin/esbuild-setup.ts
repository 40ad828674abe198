// The plugin's own esbuild hook. unplugin's generic transform path reads every module asynchronously
// and wraps each call in a context; for esbuild, which crosses from Go into JS once per module, that
// doubles the plugin's cost on modules without a directive (bench/plugin.ts measures it). This hook
// reads synchronously, tests the directive hint, and leaves every other module to esbuild. It needs
// include/exclude as RegExps; with glob strings the factory keeps unplugin's path (plugin/index.ts).

import type { Loader, PartialMessage, PluginBuild } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { DurableModules } from "./durable-modules.ts";
import { esbuildMessage } from "./diagnostics.ts";
import { DIRECTIVE_HINT } from "./module-filter.ts";
import { mapUrl, type MapKind } from "./module-output.ts";

/** The only files esbuild sends to JS at all. */
export const ESBUILD_LOAD_FILTER = /\.[cm]?[jt]sx?$/;

export function esbuildSetup(modules: DurableModules, include: readonly RegExp[], exclude: readonly RegExp[]) {
  const wanted = (path: string) => !exclude.some((r) => r.test(path)) && include.some((r) => r.test(path));
  return (build: PluginBuild): void => {
    modules.bundlerRoot = build.initialOptions.absWorkingDir;
    // esbuild reads an input map only to write one: a build without source maps gets none.
    const maps: MapKind = build.initialOptions.sourcemap ? "token" : "none";
    // esbuild's own resolver (its tsconfig paths, conditions and aliases) finds what a durable module imports.
    const resolve = async (specifier: string, importer: string): Promise<string | undefined> => {
      const r = await build.resolve(specifier, { kind: "import-statement", importer, resolveDir: dirname(importer) });
      return r.errors.length === 0 && !r.external && r.namespace === "file" && r.path ? r.path : undefined;
    };
    build.onLoad({ filter: ESBUILD_LOAD_FILTER, namespace: "file" }, async (args) => {
      if (!wanted(args.path)) return undefined;
      const code = readFileSync(args.path, "utf8");
      if (!DIRECTIVE_HINT.test(code)) {
        modules.changed(args.path, false); // on a rebuild it may have lost its directive
        return undefined;
      }
      const compiled = await modules.compile(code, args.path, resolve, maps);
      if (compiled === null) return undefined;
      const { output: result } = compiled;
      // A real location (with the line's text, so esbuild prints the frame itself), for editors and
      // problem matchers; the fix is a note.
      const message = (d: (typeof result.diagnostics)[number]): PartialMessage => esbuildMessage(d, code);
      return {
        // The token map: exact at every token, and esbuild decodes a third of the segments.
        contents: result.tokenMap ? `${result.code}\n//# sourceMappingURL=${mapUrl(result.tokenMap)}\n` : result.code,
        loader: loaderFor(args.path),
        errors: result.diagnostics.filter((d) => d.severity === "error").map(message),
        warnings: result.diagnostics.filter((d) => d.severity === "warning").map(message),
        watchFiles: compiled.watchFiles,
      };
    });
    build.onStart(() => modules.startBuild());
    // onEnd runs for failed builds too, so the manifest is written either way.
    build.onEnd(() => {
      modules.writeManifest();
      modules.endBuild();
    });
  };
}

function loaderFor(path: string): Loader {
  if (path.endsWith("x")) return path.endsWith(".tsx") ? "tsx" : "jsx";
  return /\.[cm]?ts$/.test(path) ? "ts" : "js";
}
