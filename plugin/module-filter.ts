// Which module texts reach the compiler. The test is the compiler's own loose prefilter
// (compiler/prefilter.ts): a misspelt directive ("use durabel", "use-step") must still reach compile()
// so it is reported with a suggestion, while "use strict" and "use server" do not match. It is a
// RegExp, not a call, so Vite 8 / Rolldown can apply it natively without crossing into JS.
// test/plugin-options.test.ts keeps the two in step.

/** A quoted string starting like a directive of ours: "use d…", "use s…", "use workflow", but not "use strict"/"use server". */
export const DIRECTIVE_HINT: RegExp = /["']\s*use[\s_-]*(?:d|workflow|s(?!trict["']|erver["']))[a-z]*\s*["']/i;

/** The only files esbuild sends to JS at all (unplugin's `esbuild.onLoadFilter`). */
export const ESBUILD_LOAD_FILTER = /\.[cm]?[jt]sx?$/;

/** Vite and Rollup plugins may add `?query` or `#hash` to ids; the file is what the compiler names. */
export function stripQuery(id: string): string {
  return id.replace(/[?#].*$/, "");
}

/**
 * Whether the plugin certainly compiles module `path` under these include/exclude patterns, as
 * unplugin's id filter decides. RegExps are tested as unplugin tests them; a glob string cannot be
 * decided here without unplugin's matcher (picomatch, not a dependency of ours), so a glob in `exclude`,
 * or an `include` that only globs could match, answers false: the module's exports are then not resolved
 * statically (their calls stay dispatched at run time), which is safe, where a wrong true is not.
 */
export function compilesId(path: string, include: ReadonlyArray<string | RegExp>, exclude: ReadonlyArray<string | RegExp>): boolean {
  const id = path.replace(/\\/g, "/");
  const test = (p: RegExp): boolean => {
    p.lastIndex = 0;
    return p.test(id);
  };
  if (exclude.some((p) => typeof p === "string" || test(p))) return false;
  return include.some((p) => p instanceof RegExp && test(p));
}
