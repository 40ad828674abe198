/**
 * Expected files (golden files) of the compiler's fixtures and the CLI's outputs. A missing or
 * different file fails; `vitest run -u` writes it, after which it must be reviewed before it is
 * committed.
 *
 * Compared with plain reads and writes rather than vitest's toMatchFileSnapshot: in files whose tests
 * also block the worker (spawnSync of the CLI), toMatchFileSnapshot left the worker's last task
 * updates unanswered about one run in two, and vitest then waited forever (CI timed out at 90 minutes).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export async function expectGoldenFile(actual: string, file: string): Promise<void> {
  const updating = expect.getState().snapshotState.snapshotUpdateState === "all";
  const expected = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (updating && expected !== actual) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(expected, `${file} is missing: write it with -u and review it`).toBeDefined();
  expect(actual, `${file} differs: if the change is intended, write it with -u and review the diff`).toBe(expected);
}
