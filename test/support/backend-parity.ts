/**
 * The parity check between the two backends of the emulator harness: every run records its
 * status, result, error and history ([EventType, SubType, Name], InvocationCompleted left out
 * since its place varies with skipped time) under the test's name, one file per backend and test
 * file; when the whole suite has run on both, `compareBackends` (vitest's global teardown) fails
 * the run for any test whose runs differ between AWS's emulator and the engine. Histories are
 * compared as multisets: the order is asserted by the tests themselves where it is deterministic.
 *
 * One difference is expected and taken out: a wait the execution abandoned (a race's losing
 * branch, an item after its map completed) and still STARTED when the execution ended. With
 * skipped time AWS's emulator completes every wait as soon as it starts, so its history has a
 * WaitSucceeded for it; the engine completes a wait when it falls due, and an execution that has
 * ended fires no more timers, as the service does.
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
  operations: Array<{ type: string | undefined; subType: string | undefined; name: string | undefined; status: string | undefined }>;
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
    abandonedWaits: run.operations.filter((o) => o.type === "WAIT" && o.status === "STARTED").map((o) => JSON.stringify(["WaitSucceeded", o.subType, o.name])),
  };
  mkdirSync(join(PARITY_DIR, backend), { recursive: true });
  appendFileSync(join(PARITY_DIR, backend, `${basename(state.testPath)}.jsonl`), `${JSON.stringify(record)}\n`);
}

interface Recorded {
  history: string[];
  abandonedWaits: string[];
}

function load(root: string, backend: string): Map<string, Recorded> {
  const runs = new Map<string, Recorded>();
  const dir = join(root, backend);
  if (!existsSync(dir)) return runs;
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const { key, ...rest } = JSON.parse(line) as Recorded & { key: string };
      runs.set(key, rest);
    }
  }
  return runs;
}

/** Returns a description of every test whose runs differ between the backends. */
export function compareBackends(root: string = PARITY_DIR): string[] {
  const aws = load(root, "aws");
  const engine = load(root, "engine");
  const differences: string[] = [];
  for (const [key, reference] of aws) {
    const actual = engine.get(key);
    if (actual === undefined) continue;
    // The emulator's WaitSucceeded for waits the engine's execution left STARTED (see above).
    const history = [...reference.history];
    for (const wait of actual.abandonedWaits) {
      const at = history.indexOf(wait);
      if (at !== -1) history.splice(at, 1);
    }
    const expected = JSON.stringify({ ...reference, history, abandonedWaits: undefined });
    const got = JSON.stringify({ ...actual, abandonedWaits: undefined });
    if (got !== expected) differences.push(`${key}\n  AWS's emulator: ${expected}\n  engine:         ${got}`);
  }
  return differences;
}

export function resetParity(): void {
  rmSync(PARITY_DIR, { recursive: true, force: true });
}
