/**
 * Names of the durable calls the compiler could not see: a step or durable function called from
 * code it did not rewrite (a library calling an AI tool's `execute`, `array.map(step)`). The name
 * is the function's own name, then its occurrence among such calls in the current context:
 * `lookup`, `lookup#2`, ... Calls are counted in the order they are made, which a replay repeats,
 * so the names are the same on every replay. Names are made valid here (printable ASCII without
 * `#` or `%`, which are percent-encoded, at most 256 characters), as the compiler makes its own.
 */
import type { DurableContextImpl } from "../context/durable-context.ts";

const counts = /* @__PURE__ */ new WeakMap<DurableContextImpl, Map<string, number>>();

export function runTimeName(ctx: DurableContextImpl, own: string): string {
  const base = encode(own || "anonymous");
  let seen = counts.get(ctx);
  if (!seen) counts.set(ctx, (seen = new Map()));
  const k = (seen.get(base) ?? 0) + 1;
  seen.set(base, k);
  const suffix = k > 1 ? `#${k}` : "";
  return base.slice(0, 256 - suffix.length) + suffix;
}

function encode(name: string): string {
  let out = "";
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code > 0x20 && code <= 0x7e && ch !== "#" && ch !== "%") out += ch;
    else for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
