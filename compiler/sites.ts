/**
 * The call-site table of a compiled module (compiler/SPEC.md "Call-site table"): one hoisted
 * function on the first line that the runtime calls only when an error needs to say where an
 * operation is: `{ file, at: { "<fn>:<operation>": "line:col", "<fn>": "line:col" } }`, built from
 * the manifest. Never: an absolute path, callee text or arguments (only what an error message shows).
 */
import type { CallEntry, DurableEntry, StepEntry } from "./manifest.ts";
import { SITES } from "./specifiers.ts";

/** `function __ud_sites() { return {...}; } ` for a module's manifest entries. */
export function sitesDeclaration(file: string, durable: readonly DurableEntry[], steps: readonly StepEntry[]): string {
  const at: Record<string, string> = {};
  // Manifest locs are `file:line:col`; the file is said once.
  const lineCol = (loc: string): string => loc.slice(loc.lastIndexOf(":", loc.lastIndexOf(":") - 1) + 1);
  const calls = (prefix: string, list: readonly CallEntry[]): void => {
    for (const c of list) {
      at[`${prefix}:${c.name}`] ??= lineCol(c.loc);
      for (const branch of c.branches ?? []) calls(prefix, branch);
    }
  };
  for (const d of durable) {
    at[d.name] ??= lineCol(d.loc);
    calls(d.name, d.calls);
  }
  for (const s of steps) at[s.name] ??= lineCol(s.loc);
  const entries = Object.entries(at).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return `function ${SITES}() { return { file: ${JSON.stringify(file)}, at: { ${entries.join(", ")} } }; } `;
}
