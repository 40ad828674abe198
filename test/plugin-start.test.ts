// The README's first command: `npm start` builds examples/checkout.ts with the esbuild plugin and runs it
// to completion on use-durable's engine (stored in .use-durable/engine.db), printing each operation and
// the result, with no AWS package loaded at run time: a resolve hook, inherited by the engine's worker
// threads, fails the run if anything imports @aws-sdk/* or @aws/*.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";

const hooks = `export async function resolve(specifier, context, next) {
  if (/^@aws(-sdk)?\\//.test(specifier)) throw new Error("AWS package loaded at run time: " + specifier);
  return next(specifier, context);
}`;
const noAws = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`)}`;

it("npm start runs the checkout example to completion on the engine and prints each operation", () => {
  // What `npm start` runs (package.json scripts.start), with the same Node.
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", noAws, "--conditions=source", join(REPO, "examples/start.ts")], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).toContain("on the use-durable engine (.use-durable/engine.db, time skipped)");
  expect(existsSync(join(REPO, ".use-durable/engine.db"))).toBe(true);
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
