// The two pieces of plugin work that parse with TypeScript, as jobs that run the same way on the
// compile thread (compile-worker.ts) and, when no thread can be started, in the plugin's own thread
// (compile-thread.ts): compile a module into what the bundler gets, or summarise what a module exports.
// Jobs and answers are plain data, copied between threads.
//
// Owns: the job shapes and running one. Never: reads files or touches the bundler.

import type { CompileOptions, ExportsSummary } from "../compiler/index.ts";
import { moduleOutput, type MapKind, type ModuleOutput } from "./module-output.ts";

type CompilerModule = typeof import("../compiler/index.ts");

export type CompileJob =
  | { op: "compile"; code: string; file: string; options: CompileOptions; maps: MapKind }
  | { op: "summarize"; code: string; file: string }
  // Loads TypeScript and runs the compile path once, before a real job needs them (warm-start.ts).
  | { op: "warm"; file: string };

export type JobAnswer<J extends CompileJob> = J extends { op: "compile" } ? ModuleOutput | null : J extends { op: "summarize" } ? ExportsSummary : null;

const WARM = 'import { sleep } from "use-durable";\nexport async function warm(x: number) {\n  "use durable";\n  await sleep({ seconds: 1 });\n  return x;\n}\n';

export function runJob(compiler: CompilerModule, job: CompileJob): ModuleOutput | null | ExportsSummary {
  if (job.op === "summarize") return compiler.summarizeExports(job.code, job.file);
  if (job.op === "warm") return (compiler.compile(WARM, job.file), null);
  const options = job.options.imports ? { ...job.options, imports: withoutPrototypes(job.options.imports) } : job.options;
  const result = compiler.compile(job.code, job.file, options);
  return result === null ? null : moduleOutput(result, job.maps);
}

/**
 * Summaries are keyed by export name and read by property lookups, so the compiler builds them without
 * a prototype (an export named `constructor` must not find Object's). A copy between threads or a
 * JSON.parse gives Object.prototype back; this takes it away again, in place.
 */
export function withoutPrototypes<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    if (!Array.isArray(value)) Object.setPrototypeOf(value, null);
    for (const v of Object.values(value)) withoutPrototypes(v);
  }
  return value;
}
