/**
 * Operation names (DESIGN rule 4): built and parsed only here. A name is the callee as written,
 * normalised to printable ASCII, plus `#k` for the k-th durable call to that callee in one durable
 * function. Names never depend on line numbers, so comments and blank lines change none.
 */

export type OperationName = string & { readonly __brand: "OperationName" };

export const MAX_NAME_LENGTH = 256;
// Already canonical: printable ASCII without whitespace, comments, `#` or `%` (the common case).
const PLAIN_CALLEE = /^[\x21\x22\x24\x26-\x2e\x30-\x7e]+$/;
const HASH_LENGTH = 8;

/** Source text of a callee -> the canonical callee: no whitespace or comments, printable ASCII. */
export function normalizeCallee(text: string): string {
  if (PLAIN_CALLEE.test(text)) return text;
  const stripped = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "").replace(/\s+/g, "");
  let out = "";
  for (const ch of stripped) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e && ch !== "#" && ch !== "%") out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(HASH_LENGTH, "0");
}

/** `callee` for ordinal 1, `callee#k` after; at most 256 characters. */
export function buildName(callee: string, ordinal: number): OperationName {
  const suffix = ordinal > 1 ? `#${ordinal}` : "";
  let base = callee;
  if (base.length + suffix.length > MAX_NAME_LENGTH) {
    const keep = MAX_NAME_LENGTH - suffix.length - HASH_LENGTH - 1;
    base = `${callee.slice(0, keep)}~${fnv1a(callee)}`;
  }
  return (base + suffix) as OperationName;
}

export function parseName(name: string): { callee: string; ordinal: number } {
  const match = /^(.*)#([1-9][0-9]*)$/.exec(name);
  if (match?.[1] !== undefined && match[2] !== undefined) return { callee: match[1], ordinal: Number(match[2]) };
  return { callee: name, ordinal: 1 };
}

/**
 * Hands out names in source order within one durable function. A `prefix` gives the calls under
 * `if (patched("id"))` names of their own (`id:charge`), so the old path's names do not move.
 */
export class NameAllocator {
  private readonly counts = new Map<string, number>();
  private readonly prefix: string;

  constructor(prefix = "") {
    this.prefix = prefix;
  }

  /** `callee` must already be normalised (see normalizeCallee). */
  next(callee: string): OperationName {
    const key = this.prefix + callee;
    const ordinal = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, ordinal);
    return buildName(key, ordinal);
  }
}

/** The prefix of the names inside `if (patched(changeId))`. */
export function patchPrefix(changeId: string): string {
  return `${normalizeCallee(changeId)}:`;
}
