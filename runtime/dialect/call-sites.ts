/**
 * Where compiled code's operations are in the user's source (runtime/SPEC.md "Where an operation is
 * in the source"). Each compiled module has a call-site table (`__ud_sites`, compiler/SPEC.md) that
 * its functions' metas name; a context running a durable body is bound to that body's meta, and an
 * operation of a context is looked up in the table of its nearest bound ancestor. Names made at
 * run time are located at their function's definition. This module answers lookups; it never
 * changes an error itself (context/locate.ts does).
 */
import type { DurableContextImpl } from "../context/durable-context.ts";
import { installLocator } from "../context/locate.ts";

/** What a compiled module's `__ud_sites()` returns: `at` maps `<fn>:<operation>` and `<fn>` to `line:col`. */
export interface CallSites {
  file: string;
  at: Record<string, string>;
}

/** The part of a compiled function's meta this module reads. */
export interface SitesMeta {
  name: string;
  sites?: () => CallSites;
}

const bound = /* @__PURE__ */ new WeakMap<DurableContextImpl, SitesMeta>();
const runTimeNamed = /* @__PURE__ */ new WeakMap<DurableContextImpl, Map<string, SitesMeta>>();

/** The durable body of `meta` runs in `ctx`: its operations are looked up in meta's table. */
export function bindSites(ctx: DurableContextImpl, meta: SitesMeta): void {
  if (!meta.sites) return;
  installLocator(locate);
  bound.set(ctx, meta);
}

/** The operation `name` of `ctx` was named at run time for a call of `meta`'s function (run-time-names.ts). */
export function noteRunTimeName(ctx: DurableContextImpl, name: string, meta: SitesMeta): void {
  if (!meta.sites) return;
  installLocator(locate);
  let names = runTimeNamed.get(ctx);
  if (!names) runTimeNamed.set(ctx, (names = new Map()));
  names.set(name, meta);
}

/** `at src/order.ts:12:7` for the operation `name` of `ctx`, `defined at ...` for a run-time name. */
export function locate(ctx: DurableContextImpl, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  // The table is read only here, when an error asks: never on the way of a call.
  const own = runTimeNamed.get(ctx)?.get(name);
  if (own) {
    const definition = siteIn(own, own.name);
    return definition && `defined ${definition}`;
  }
  for (let c: DurableContextImpl | undefined = ctx; c; c = c.parent) {
    const meta = bound.get(c);
    if (meta) return siteIn(meta, `${meta.name}:${name}`);
  }
  return undefined;
}

function siteIn(meta: SitesMeta, key: string): string | undefined {
  let table: CallSites | undefined;
  try {
    table = meta.sites?.();
  } catch {
    // A table from another build that does not answer: no location rather than a second error.
  }
  const at = table?.at?.[key];
  return typeof at === "string" && typeof table?.file === "string" ? `at ${table.file}:${at}` : undefined;
}
