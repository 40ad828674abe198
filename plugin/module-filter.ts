// Which module texts reach the compiler. The test is the compiler's own loose prefilter
// (compiler/prefilter.ts): a misspelt directive ("use durabel", "use-step") must still reach compile()
// so it is reported with a suggestion, while "use strict" and "use server" do not match. It is a
// RegExp, not a call, so Vite 8 / Rolldown can apply it natively without crossing into JS.
// test/plugin-options.test.ts keeps the two in step.

import { matchesGlob } from "node:path";

/** A quoted string starting like a directive of ours: "use d…", "use s…", but not "use strict"/"use server". */
export const DIRECTIVE_HINT: RegExp = /["']\s*use[\s_-]*(?:d|s(?!trict["']|erver["']))[a-z]*\s*["']/i;

/** Vite and Rollup plugins may add `?query` or `#hash` to ids; the file is what the compiler names. */
export function stripQuery(id: string): string {
  return id.replace(/[?#].*$/, "");
}

/**
 * Whether the plugin compiles module `path` under these include/exclude patterns, as unplugin's id
 * filter decides: RegExps as they are; globs relative to the working directory unless they start with
 * `**` or `/` (path.matchesGlob stands in for unplugin's picomatch; without it a glob matches nothing,
 * which only costs static resolution of that module's exports, never correctness).
 */
export function compilesId(path: string, include: ReadonlyArray<string | RegExp>, exclude: ReadonlyArray<string | RegExp>): boolean {
  const id = path.replace(/\\/g, "/");
  const matches = (p: string | RegExp): boolean => {
    if (p instanceof RegExp) {
      p.lastIndex = 0;
      return p.test(id);
    }
    const glob = p.startsWith("**") || p.startsWith("/") ? p : `${process.cwd().replace(/\\/g, "/")}/${p.replace(/^\.\//, "")}`;
    return typeof matchesGlob === "function" && matchesGlob(id, glob);
  };
  return !exclude.some(matches) && include.some(matches);
}
