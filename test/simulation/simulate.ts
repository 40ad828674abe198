/**
 * `npm run simulate -- --schedules 10000 [--seed S] [--service engine]`: runs schedules S, S+1, ...
 * against the simulated service (or the engine, with engine crashes) and prints the figures, and for
 * each failing schedule its violations and a one-line reproduction. Exit code 1 when any schedule
 * fails.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledWorkflows } from "./compiled-workflows.ts";
import type { Backend, ScheduleResult } from "./schedule.ts";
import { runSchedule, watchUnhandledRejections } from "./schedule.ts";

export interface SimulationReport {
  schedules: number;
  failures: ScheduleResult[];
  invocations: number;
  thrown: number;
  abandoned: number;
  faults: Record<string, number>;
  crashes: Record<string, number>;
  compiled: number;
}

export async function simulate(first: number, count: number, onFailure?: (result: ScheduleResult) => void, backend: Backend = "model"): Promise<SimulationReport> {
  const compiled = await compiledWorkflows();
  const stop = watchUnhandledRejections();
  const report: SimulationReport = { schedules: 0, failures: [], invocations: 0, thrown: 0, abandoned: 0, faults: {}, crashes: {}, compiled: 0 };
  // The engine's database files (one per faulty run, removed after it), in memory where the system
  // has a RAM disk: a simulated crash kills the process, not the machine, so no fsync is needed.
  const dir = backend === "engine" ? mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "ud-simulation-engine-")) : undefined;
  try {
    for (let i = 0; i < count; i++) {
      const result = await runSchedule((first + i) >>> 0, compiled, { backend, ...(dir !== undefined && { dir }) });
      report.schedules++;
      report.invocations += result.invocations;
      report.thrown += result.thrown;
      report.abandoned += result.abandoned;
      if (result.workflow.startsWith("compiled:")) report.compiled++;
      for (const [kind, n] of Object.entries(result.faults)) report.faults[kind] = (report.faults[kind] ?? 0) + n;
      for (const [kind, n] of Object.entries(result.crashes)) report.crashes[kind] = (report.crashes[kind] ?? 0) + n;
      if (result.violations.length > 0) {
        report.failures.push(result);
        onFailure?.(result);
      }
    }
  } finally {
    stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

export function reproduction(seed: number, backend: Backend = "model"): string {
  return `npm run simulate -- ${backend === "engine" ? "--service engine " : ""}--seed ${seed} --schedules 1`;
}

async function main(argv: string[]): Promise<number> {
  const option = (flag: string, fallback: number): number => {
    const at = argv.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number >= 0, got ${argv[at + 1]}`);
    return value;
  };
  const count = option("--schedules", 500);
  const seed = option("--seed", 1);
  const at = argv.indexOf("--service");
  const service = at < 0 ? "model" : argv[at + 1];
  if (service !== "model" && service !== "engine") throw new Error(`--service is model (the simulated service, the default) or engine, got ${service}`);
  const started = performance.now();
  const report = await simulate(seed, count, (result) => {
    console.log(`FAIL seed ${result.seed} (${result.workflow})\n  ${result.violations.join("\n  ")}\n  reproduce: ${reproduction(result.seed, service)}`);
  }, service);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const figures = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(
    `${report.schedules} schedules (${service}) from seed ${seed} in ${seconds} s: ${report.failures.length} failing; ` +
      `${report.invocations} invocations (${report.thrown} thrown, ${report.abandoned} abandoned), ${report.compiled} compiled; faults: ${figures(report.faults)}` +
      (service === "engine" ? `; engine crashes: ${figures(report.crashes)}` : ""),
  );
  return report.failures.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(2);
  });
}
