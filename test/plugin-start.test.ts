// The README's first command: `npm start` builds examples/checkout.ts with the esbuild plugin and runs it
// to completion under AWS's emulator, printing each operation and the result.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";

it("npm start runs the checkout example to completion and prints each operation", () => {
  // What `npm start` runs (package.json scripts.start), with the same Node.
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--conditions=source", join(REPO, "examples/start.ts")], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(stderr).toBe("");
  expect(status).toBe(0);
  const rows = stdout.split("\n").map((l) => l.trim().split(/\s{2,}/));
  const row = (name: string, status: string) => rows.filter((r) => r[0] === name && r[2] === status);
  expect(row("reserveStock", "SUCCEEDED")).toHaveLength(1);
  expect(row("waitForCallback", "SUCCEEDED")).toHaveLength(1);
  expect(row("(callback)", "SUCCEEDED")).toHaveLength(1);
  expect(row("chargeCard", "SUCCEEDED")).toHaveLength(1);
  expect(row("sleep", "SUCCEEDED")).toEqual([["sleep", "WAIT", "SUCCEEDED", "1h (skipped)"]]);
  expect(row("shipItem", "SUCCEEDED")).toHaveLength(3);
  expect(row("Promise.all", "SUCCEEDED")).toHaveLength(1);
  expect(stdout).toContain("approver: approved");
  expect(stdout).toMatch(/execution SUCCEEDED after \d+ invocations/);
  expect(stdout).toContain('"status": "shipped"');
});
