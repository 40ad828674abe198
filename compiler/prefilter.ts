/**
 * The fast path: decides without parsing whether a file can hold a directive (or a misspelt one).
 * Must stay a few regex scans: it runs on every module a bundler sees.
 */

const EXACT = /["']use (?:durable|step)["']/;
// A string that starts like a directive of ours, in any case: "use d...", "use s..." (but not
// "use strict"/"use server"), or Vercel Workflow's "use workflow" (reported with the fix).
const LOOSE = /["']\s*use[\s_-]*(?:d|workflow|s(?!trict["']|erver["']))[a-z]*\s*["']/gi;
const COMPILED = /import \* as __ud from "use-durable\/internal"/;

export function mayHaveDirective(code: string): boolean {
  if (EXACT.test(code)) return true;
  LOOSE.lastIndex = 0;
  return LOOSE.test(code);
}

export function isAlreadyCompiled(code: string): boolean {
  return COMPILED.test(code);
}
