// Which module texts reach the compiler. The test is deliberately loose: a misspelt directive
// ("use durabel", "use  step") must still reach compile() so it can be reported with a suggestion,
// while "use strict", "use client" and the import specifier "use-durable" do not match. A false
// positive costs one compile() that returns null; a false negative would hide a user's mistake.

/** A quote, `use`, optional spaces, then something starting like "dur…" or "ste…", any case. */
export const DIRECTIVE_HINT: RegExp = /["']use\s*(?:dur|ste)/i;

/** Vite and Rollup plugins may add `?query` or `#hash` to ids; the file is what the compiler names. */
export function stripQuery(id: string): string {
  return id.replace(/[?#].*$/, "");
}
