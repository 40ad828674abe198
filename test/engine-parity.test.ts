/**
 * The backends' parity check itself (test/support/backend-parity.ts), on recorded runs written
 * here: equal runs pass, any other difference is reported, and the one expected difference (a
 * wait the engine's execution abandoned, which AWS's emulator completes at once) is taken out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { compareBackends } from "./support/backend-parity.ts";

const root = mkdtempSync(join(tmpdir(), "ud-parity-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const entry = (...e: unknown[]) => JSON.stringify(e);
const record = (key: string, history: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ key, status: "SUCCEEDED", result: 1, history: [...history].sort(), abandonedWaits: [], ...extra });

function write(backend: string, lines: string[]): void {
  mkdirSync(join(root, backend), { recursive: true });
  writeFileSync(join(root, backend, "x.test.ts.jsonl"), `${lines.join("\n")}\n`);
}

test("equal runs pass; a different status, result or history is reported; an abandoned wait is not", () => {
  const base = [entry("ExecutionStarted", null, null), entry("ExecutionSucceeded", null, null)];
  const waited = [...base, entry("WaitStarted", "Wait", "w")];
  write("aws", [
    record("same #1", base),
    record("status #1", base),
    record("history #1", base),
    record("abandoned #1", [...waited, entry("WaitSucceeded", "Wait", "w")]),
  ]);
  write("engine", [
    record("same #1", base),
    record("status #1", base, { status: "FAILED" }),
    record("history #1", [...base, entry("StepStarted", "Step", "x")]),
    record("abandoned #1", waited, { abandonedWaits: [entry("WaitSucceeded", "Wait", "w")] }),
  ]);
  const differences = compareBackends(root);
  expect(differences.map((d) => d.split("\n")[0])).toEqual(["status #1", "history #1"]);
});
