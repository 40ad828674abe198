/**
 * The classes whose instances and errors keep their class across a checkpoint in compiled code:
 * the built-in error classes, classes the compiler registers (declared or imported in a module
 * with a directive, keyed by name and module), and classes a user registers with `registerClass`.
 * It only maps classes to keys and back; it never builds or encodes a value (rich-serdes.ts does).
 */

import { FatalError, RetryableError } from "./flow-errors.ts";

/** How a class is named on the wire: its name, and the module it was registered from (if known). */
export interface ClassKey {
  name: string;
  module?: string;
}

type Ctor = abstract new (...args: any[]) => unknown;

interface Entry {
  key: ClassKey;
  /** A thunk, so an import in a module cycle is read only when first needed (never in its TDZ). */
  get: () => unknown;
}

const entries: Entry[] = [];
// Filled from `entries` on demand, so a thunk is read once it can be.
let resolved = 0;
/** The first key of each class: what an encoded value names it by. */
const byClass = new Map<unknown, ClassKey>();
/** Every key that names a class: what a decoder may meet (a class imported under two paths). */
const known: Array<{ key: ClassKey; cls: Ctor }> = [];

const BUILT_IN_ERRORS: Record<string, Ctor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError, FatalError, RetryableError,
};

/**
 * Registers a class so its instances (and errors) keep their class in compiled code. `key` names
 * it on the wire; by default its own name. Registering one class twice keeps the first key.
 * @example registerClass(Money)
 */
export function registerClass<C extends Ctor>(cls: C | (() => C), key?: ClassKey | string): void {
  const isThunk = typeof cls === "function" && !("prototype" in cls);
  const get = isThunk ? (cls as () => C) : () => cls;
  const name = typeof key === "string" ? key : key?.name ?? (isThunk ? "" : (cls as C).name);
  entries.push({ key: typeof key === "object" && key.module !== undefined ? { name, module: key.module } : { name }, get });
}

function resolveAll(): void {
  for (; resolved < entries.length; resolved++) {
    const entry = entries[resolved]!;
    let cls: unknown;
    try {
      cls = entry.get();
    } catch {
      // Still in its temporal dead zone (a module cycle): retry on the next lookup.
      return;
    }
    if (typeof cls !== "function") continue;
    if (!entry.key.name) entry.key = { ...entry.key, name: (cls as { name: string }).name };
    if (!byClass.has(cls)) byClass.set(cls, entry.key);
    known.push({ key: entry.key, cls: cls as Ctor });
  }
}

/** The key of an instance's class: registered, else a built-in error class; undefined otherwise. */
export function classKeyOf(value: object): ClassKey | undefined {
  const cls = (value as { constructor?: unknown }).constructor;
  resolveAll();
  const registered = byClass.get(cls);
  if (registered) return registered;
  const builtIn = BUILT_IN_ERRORS[(cls as { name?: string } | undefined)?.name ?? ""];
  return builtIn !== undefined && builtIn === cls ? { name: builtIn.name } : undefined;
}

/**
 * The class a key names: the one registered with that name and module, else the only class
 * registered with that name (a file that moved), else a built-in error class of that name.
 */
export function classOf(key: ClassKey): Ctor | undefined {
  resolveAll();
  const sameName = new Set<Ctor>();
  for (const { key: k, cls } of known) {
    if (k.name !== key.name) continue;
    if (k.module === key.module) return cls;
    sameName.add(cls);
  }
  if (sameName.size === 1) return [...sameName][0];
  return key.module === undefined ? BUILT_IN_ERRORS[key.name] : undefined;
}
