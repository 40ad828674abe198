/**
 * The seam through which a runtime error about an operation learns where the operation is in the
 * user's source (runtime/SPEC.md "Where an operation is in the source"). Compiled code's dispatch
 * installs the lookup (dialect/call-sites.ts) the first time a compiled function runs; without it
 * (hand-written ctx code) errors are left as they are. This module only adds a location to an
 * error; it never decides whether or how anything fails.
 */
import type { DurableContextImpl } from "./durable-context.ts";
import { DurableError, DurableOperationError } from "./errors.ts";

/** `at src/order.ts:12:7` (or `defined at ...`) for the operation `name` of `ctx`, when known. */
type Lookup = (ctx: DurableContextImpl, name: string | undefined) => string | undefined;

let lookup: Lookup | undefined;

export function installLocator(fn: Lookup): void {
  lookup = fn;
}

export function siteOf(ctx: DurableContextImpl, name: string | undefined): string | undefined {
  return lookup?.(ctx, name);
}

/** `src/order.ts:12:7` of `at src/order.ts:12:7`: what an error's `location` holds. */
export function locationOf(site: string): string {
  return site.slice(site.indexOf("at ") + 3);
}

/**
 * Adds where the operation `name` of `ctx` is to a runtime error about it: ` (at src/order.ts:12:7)`
 * at the end of the message, and `location`. Operation outcomes (the user's failures) and errors
 * that already have a location are left alone. Returns the error.
 */
export function located<E>(error: E, ctx: DurableContextImpl, name: string | undefined): E {
  const site = lookup && DurableError.is(error) && !(error instanceof DurableOperationError) && !error.location && lookup(ctx, name);
  if (site) {
    error.location = locationOf(site);
    error.message += ` (${site})`;
  }
  return error;
}
