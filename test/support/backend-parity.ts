/**
 * The parity check between the two backends of the emulator harness: every run records its
 * status, result, error and history ([EventType, SubType, Name], InvocationCompleted left out
 * since its place varies with skipped time) under the test's name, one file per backend and test
 * file; when the whole suite has run on both, `compareBackends` (vitest's global teardown) fails
 * the run for any test whose runs differ between AWS's emulator and the engine. Histories are
 * compared as multisets: the order is asserted by the tests themselves where it is deterministic.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "vitest";

type Entry = [eventType: string, subType: string | undefined, name: string | undefined];

interface RecordedRun {
  status: string | undefined;
  result: unknown;
  error: { errorType?: string | undefined; errorMessage?: string | undefined } | undefined;
  history: Entry[];
}

export const PARITY_DIR = join(import.meta.dirname, "..", "..", ".tmp", "backend-parity");
const counters = new Map<string, number>();

export function recordRun(backend: string, run: RecordedRun): void {
  const state = expect.getState();
  if (!state.currentTestName || !state.testPath) return;
  const test = `${basename(state.testPath)} > ${state.currentTestName}`;
  const n = (counters.get(test) ?? 0) + 1;
  counters.set(test, n);
  const record = {
    key: `${test} #${n}`,
    status: run.status,
    result: run.result,
    error: run.error && { errorType: run.error.errorType, errorMessage: run.error.errorMessage },
    history: run.history.filter(([type]) => type !== "InvocationCompleted").map((e) => JSON.stringify(e)).sort(),
  };
  mkdirSync(join(PARITY_DIR, backend), { recursive: true });
  appendFileSync(join(PARITY_DIR, backend, `${basename(state.testPath)}.jsonl`), `${JSON.stringify(record)}\n`);
}

function load(backend: string): Map<string, string> {
  const runs = new Map<string, string>();
  const dir = join(PARITY_DIR, backend);
  if (!existsSync(dir)) return runs;
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const { key, ...rest } = JSON.parse(line) as { key: string };
      runs.set(key, JSON.stringify(rest));
    }
  }
  return runs;
}

/** Returns a description of every test whose runs differ between the backends. */
export function compareBackends(): string[] {
  const aws = load("aws");
  const engine = load("engine");
  const differences: string[] = [];
  for (const [key, expected] of aws) {
    const actual = engine.get(key);
    if (actual !== undefined && actual !== expected) differences.push(`${key}\n  AWS's emulator: ${expected}\n  engine:         ${actual}`);
  }
  return differences;
}

export function resetParity(): void {
  rmSync(PARITY_DIR, { recursive: true, force: true });
}
