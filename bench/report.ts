// What every bench script reports, in one shape: a figure is a named list of samples with a unit, and
// optionally the figure it is compared with (its anchor: plain esbuild, the official SDK, the swc
// plugin). Each script prints its own lines; when BENCH_REPORT names a file (bench/run.ts sets it) the
// figures are appended to it as JSON lines, and bench/run.ts writes BENCHMARKS.md from them.
//
// Owns: the figure shape and the statistics (median, min, max). Never: decides what is measured.

import { appendFileSync } from "node:fs";

export interface Figure {
  /** The script: "plugin", "runtime", "cold-start", ... */
  bench: string;
  /** What was measured, unique within the bench. */
  name: string;
  unit: string;
  samples: number[];
  /** The `name` (same bench) this figure is compared with: the ratio in BENCHMARKS.md is median / anchor's median. */
  anchor?: string;
  /** The target from the issue, as text ("<= 1.3x"). */
  target?: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function stats(xs: readonly number[]): { median: number; min: number; max: number; runs: number } {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
}

export function record(figure: Figure): void {
  const file = process.env.BENCH_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

/** "123.4 ms (min 110.2, max 140.9, 9 runs)" */
export function describe(xs: readonly number[], unit = "ms", digits = 1): string {
  const s = stats(xs);
  return `${s.median.toFixed(digits)} ${unit} (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)}, ${s.runs} runs)`;
}
