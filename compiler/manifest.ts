/**
 * The manifest: per durable function its id, parameters and ordered tree of durable calls; the step
 * definitions; every name mapped to file:line:col; the diagnostics. Paths relative to root, "/" only.
 */
import type { Diagnostic } from "./diagnostics.ts";

export type CallKind = "step" | "durable" | "call" | "intrinsic" | "concurrency";

export interface CallEntry {
  kind: CallKind;
  /** The operation name given to the runtime (or the user's own name for a named intrinsic). */
  name: string;
  callee: string;
  /** `file:line:col`, 1-based. */
  loc: string;
  /** Enclosing control flow, outermost first: "if", "else", "for-of", "try", "Promise.all[0]", ... */
  enclosing: string[];
  /** Each argument's source text (comments dropped, whitespace runs as one space, a function literal as `<fn>`); absent on concurrency forms. */
  args?: string[];
  /** The variable or target the result is stored in (`a`, `o.x`, `return`), when there is one. */
  feeds?: string;
  /** For concurrency forms: the calls of each branch (one entry for a map callback). */
  branches?: CallEntry[][];
}

export interface DurableEntry {
  /** `file#name` */
  id: string;
  name: string;
  /** The run-time name of a call the compiler did not see (from code it did not rewrite): this, then `#2`, `#3`, ... per context. */
  runtimeName: string;
  exported: boolean;
  params: string[];
  loc: string;
  calls: CallEntry[];
}

export interface StepEntry {
  id: string;
  name: string;
  /** The run-time name of a call the compiler did not see (a library calling the step): this, then `#2`, `#3`, ... per context. */
  runtimeName: string;
  exported: boolean;
  params: string[];
  loc: string;
}

export interface Manifest {
  version: 1;
  file: string;
  durable: DurableEntry[];
  steps: StepEntry[];
  /** `durableName:operationName` -> `file:line:col` */
  names: Record<string, string>;
  diagnostics: Diagnostic[];
}

export function emptyManifest(file: string, diagnostics: Diagnostic[]): Manifest {
  return { version: 1, file, durable: [], steps: [], names: {}, diagnostics };
}

function collectNames(durableName: string, calls: readonly CallEntry[], out: Record<string, string>): void {
  for (const c of calls) {
    out[`${durableName}:${c.name}`] ??= c.loc;
    for (const b of c.branches ?? []) collectNames(durableName, b, out);
  }
}

export function buildManifest(file: string, durable: DurableEntry[], steps: StepEntry[], diagnostics: Diagnostic[]): Manifest {
  const names: Record<string, string> = {};
  for (const d of durable) collectNames(d.name, d.calls, names);
  return { version: 1, file, durable, steps, names, diagnostics };
}
