/**
 * A durable function's call tree as a replay sees it: one ordered list of calls per context (the
 * body, and each branch of a concurrency form, which runs in a child context of its own), and the
 * `patched("id")` projection that shows what executions recorded before a patch will replay. Pure:
 * reads manifest entries, never files.
 */
import type { CallEntry } from "../../compiler/index.ts";

export interface ContextCall {
  call: CallEntry;
  /** "" for the body; `Promise.all[1]` for a branch, `Promise.all[1]/map[0]` deeper. */
  context: string;
  /** Position in its context's list, in source order. */
  index: number;
}

/** Enclosing labels the compiler writes for `if (patched("id"))` and its `else`. */
export const PATCHED_LABEL = "patched:";
export const UNPATCHED_LABEL = "unpatched:";

export function patchIds(calls: readonly CallEntry[], out = new Set<string>()): Set<string> {
  for (const c of calls) {
    for (const label of c.enclosing) {
      if (label.startsWith(PATCHED_LABEL)) out.add(label.slice(PATCHED_LABEL.length));
      else if (label.startsWith(UNPATCHED_LABEL)) out.add(label.slice(UNPATCHED_LABEL.length));
    }
    for (const b of c.branches ?? []) patchIds(b, out);
  }
  return out;
}

/**
 * The calls an execution that never saw the patches `ids` runs: calls under `patched:<id>` are
 * dropped (returned apart), and `unpatched:<id>` labels vanish (that path is the old code).
 */
export function projectPatches(calls: readonly CallEntry[], ids: ReadonlySet<string>, dropped: CallEntry[] = []): CallEntry[] {
  if (ids.size === 0) return [...calls];
  const [drop, strip] = [PATCHED_LABEL, UNPATCHED_LABEL];
  const out: CallEntry[] = [];
  for (const c of calls) {
    if (c.enclosing.some((l) => l.startsWith(drop) && ids.has(l.slice(drop.length)))) {
      dropped.push(c);
      continue;
    }
    const enclosing = c.enclosing.filter((l) => !(l.startsWith(strip) && ids.has(l.slice(strip.length))));
    const branches = c.branches?.map((b) => projectPatches(b, ids, dropped));
    out.push({ ...c, enclosing, ...(branches && { branches }) });
  }
  return out;
}

/** Every context's list of calls, keyed by context path. */
export function contexts(calls: readonly CallEntry[], context = "", out = new Map<string, ContextCall[]>()): Map<string, ContextCall[]> {
  const list = out.get(context) ?? [];
  out.set(context, list);
  for (const call of calls) {
    list.push({ call, context, index: list.length });
    call.branches?.forEach((b, i) => contexts(b, `${context ? `${context}/` : ""}${call.name}[${i}]`, out));
  }
  return out;
}
