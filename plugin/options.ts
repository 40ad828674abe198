// The plugin's options and their defaults. Every default lives in resolveOptions(), nowhere else,
// so README, SPEC.md and code cannot drift apart silently (test/plugin-options.test.ts pins them).

import { resolve } from "node:path";

/** One pattern or a list: a RegExp is tested against the id, a string is a picomatch glob (unplugin's filter rules). */
export type FilterPattern = string | RegExp | ReadonlyArray<string | RegExp>;

export interface Options {
  /**
   * Module ids the plugin may compile. Only modules whose text also looks like it has a directive reach
   * the compiler.
   * @default /\.[cm]?[jt]sx?$/
   */
  include?: FilterPattern;
  /**
   * Module ids never compiled, even when `include` matches. Packages in node_modules are compiled:
   * a library that ships "use step" functions has them checkpointed (the directive pre-filter keeps
   * every other module as cheap as before); use-durable's own files and virtual ids are not.
   * @default [/[\\/]node_modules[\\/]use-durable[\\/]/, /^\0/]
   */
  exclude?: FilterPattern;
  /**
   * Directory that operation names and manifest paths are relative to.
   * @default the bundler's root (esbuild absWorkingDir, Vite root, webpack/Rspack context), else process.cwd()
   */
  root?: string;
  /**
   * Report replay hazards (UD2xx) as errors instead of warnings.
   * @default false
   */
  strict?: boolean;
  /**
   * Module specifiers whose exports are all step functions, for libraries that cannot carry "use step".
   * @default []
   */
  steps?: readonly string[];
  /**
   * Where to write the build's manifest, relative to `root`; `false` writes none.
   * @default ".use-durable/manifest.json"
   */
  manifest?: string | false;
  /**
   * Folder of the persistent compile cache, relative to `root`; `false` keeps results in memory only.
   * Entries are keyed by each module's text, the options and the compiler's own code, so a stale one is
   * never used; deleting the folder only costs the next build its speed.
   * @default ".use-durable/cache"
   */
  cache?: string | false;
}

export interface ResolvedOptions {
  include: Array<string | RegExp>;
  exclude: Array<string | RegExp>;
  /** Absolute; undefined until the bundler tells us its root (see rootFor in plugin/index.ts). */
  root: string | undefined;
  strict: boolean;
  steps: string[];
  /** Relative to root, or false. */
  manifest: string | false;
  /** Relative to root, or false. */
  cache: string | false;
}

/** The plugin's name in every bundler. */
export const PLUGIN_NAME = "use-durable";

export const DEFAULT_INCLUDE: readonly RegExp[] = [/\.[cm]?[jt]sx?$/];
export const DEFAULT_EXCLUDE: readonly RegExp[] = [/[\\/]node_modules[\\/]use-durable[\\/]/, /^\0/];
export const DEFAULT_MANIFEST = ".use-durable/manifest.json";
export const DEFAULT_CACHE = ".use-durable/cache";

export class PluginOptionsError extends Error {
  readonly code = "UD_PLUGIN_OPTIONS";
  constructor(message: string) {
    super(message);
    this.name = "PluginOptionsError";
  }
}

export function resolveOptions(given?: Options | null): ResolvedOptions {
  const options = given ?? {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new PluginOptionsError(`use-durable plugin: options must be an object, e.g. durable({ strict: true }), got ${JSON.stringify(options)}.`);
  }
  const known = new Set(["include", "exclude", "root", "strict", "steps", "manifest", "cache"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new PluginOptionsError(
        `use-durable plugin: unknown option "${key}". Known options: ${[...known].join(", ")}. ` +
          `Remove it or check its spelling.`,
      );
    }
  }
  const { include, exclude, root, strict, steps, manifest, cache } = options;
  if (root !== undefined && typeof root !== "string") {
    throw new PluginOptionsError(`use-durable plugin: option "root" must be a directory path, got ${typeof root}.`);
  }
  if (strict !== undefined && typeof strict !== "boolean") {
    throw new PluginOptionsError(`use-durable plugin: option "strict" must be true or false, got ${JSON.stringify(strict)}.`);
  }
  if (steps !== undefined && (!Array.isArray(steps) || steps.some((s) => typeof s !== "string" || s === ""))) {
    throw new PluginOptionsError(
      `use-durable plugin: option "steps" must be a list of module specifiers (e.g. ["my-lib/activities"]).`,
    );
  }
  if (manifest !== undefined && manifest !== false && (typeof manifest !== "string" || manifest === "")) {
    throw new PluginOptionsError(
      `use-durable plugin: option "manifest" must be a file path or false, got ${JSON.stringify(manifest)}.`,
    );
  }
  if (cache !== undefined && cache !== false && (typeof cache !== "string" || cache === "")) {
    throw new PluginOptionsError(
      `use-durable plugin: option "cache" must be a folder path or false, got ${JSON.stringify(cache)}.`,
    );
  }
  return {
    include: patterns("include", include, DEFAULT_INCLUDE),
    exclude: patterns("exclude", exclude, DEFAULT_EXCLUDE),
    root: root === undefined ? undefined : resolve(root),
    strict: strict ?? false,
    steps: [...(steps ?? [])],
    manifest: manifest === undefined ? DEFAULT_MANIFEST : manifest,
    cache: cache === undefined ? DEFAULT_CACHE : cache,
  };
}

function patterns(name: string, value: FilterPattern | undefined, fallback: readonly RegExp[]): Array<string | RegExp> {
  if (value === undefined) return [...fallback];
  const list = typeof value === "string" || value instanceof RegExp ? [value] : [...value];
  for (const p of list) {
    if (!(typeof p === "string" || p instanceof RegExp)) {
      throw new PluginOptionsError(
        `use-durable plugin: option "${name}" takes RegExps or glob strings, got ${JSON.stringify(p)}.`,
      );
    }
  }
  return list;
}
