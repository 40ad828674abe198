/**
 * Expected files of the compiler's fixtures. vitest writes a missing file snapshot and passes (outside
 * CI), so a fixture whose expected file was never written, or was deleted, would pass whatever the
 * compiler did: here a missing file fails unless the run is an explicit update (`-u`), after which the
 * new file must be reviewed before it is committed.
 */
import { existsSync } from "node:fs";
import { expect } from "vitest";

export async function expectGoldenFile(actual: string, file: string): Promise<void> {
  const updating = expect.getState().snapshotState.snapshotUpdateState === "all";
  if (!updating) expect(existsSync(file), `${file} is missing: write it with -u and review it`).toBe(true);
  await expect(actual).toMatchFileSnapshot(file);
}
