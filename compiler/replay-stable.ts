/**
 * Makes time and randomness in a durable body replay-stable (compiler/SPEC.md "Time and
 * randomness"): `Date.now()`, `performance.now()`, `Math.random()`, `crypto.randomUUID()` and
 * `crypto.getRandomValues(a)` call the runtime's replay-stable functions instead, and `new Date()`
 * gets the durable clock as its argument. hazards.ts decides which calls qualify; this module only
 * edits, in place, so the arguments and the map stay as written.
 */
import type { FileContext } from "./file-context.ts";
import type { TS } from "./typescript.ts";

/** `Date.now()` -> `__ud.now()`: the callee is replaced, the arguments stay. */
export function stableCall(fc: FileContext, call: TS.CallExpression, runtimeFn: string): void {
  fc.s.update(call.expression.getStart(fc.sf), call.expression.end, runtimeFn);
}

/** `new Date()` -> `new Date(__ud.now())`, `new Date` -> `new Date(__ud.now())`. */
export function stableNewDate(fc: FileContext, node: TS.NewExpression, runtimeFn: string): void {
  if (node.arguments) fc.s.appendLeft(node.arguments.pos, `${runtimeFn}()`);
  else fc.s.appendLeft(node.expression.end, `(${runtimeFn}())`);
}
