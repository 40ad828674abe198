/**
 * `use-durable check --histories` as a user runs it: fixtures/history-replay/v1.ts is built with
 * `use-durable build` and run under AWS's emulator; its history (GetDurableExecutionHistory events) is
 * exported as JSON, whole and cut where the execution parked at its wait. Each later version is built
 * and the histories replayed against it: the first divergence per execution, exit 1 when one
 * diverges, and no step body runs (each step appends to $UD_MARK_FILE).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGoldenFile } from "./compiler-golden.ts";
import { REPO } from "./plugin-bundle.ts";
import { runBundle } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator } from "./support/emulator.ts";

const project = join(REPO, ".tmp", "check-histories");
const marks = join(project, "marks.txt");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--conditions=source", join(REPO, "cli/main.ts"), ...args], { cwd: project, encoding: "utf8", env: { ...process.env, UD_MARK_FILE: marks } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function build(version: string, outdir = `out/${version}`): string {
  const r = cli("build", `src/${version}.ts`, "--outdir", outdir, "--conditions", "source", "--quiet");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return `${outdir}/${version}.mjs`;
}

beforeAll(async () => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, "node_modules"), { recursive: true });
  cpSync(join(REPO, "fixtures", "history-replay"), join(project, "src"), { recursive: true });
  symlinkSync(REPO, join(project, "node_modules", "use-durable"), "dir");
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "check-histories", private: true, type: "module" })}\n`);
  await startEmulator();
  // The recording runs a build of its own: this process imports it, and a module this process has
  // imported must not be rewritten under it (the v1 case below rebuilds out/v1; rewriting an imported
  // module left vitest's worker waiting forever after the file's last test).
  const { run } = await runBundle(join(project, build("v1", "out/recorded")), "handler", { payload: { id: "o-1" } });
  expect(run.status).toBe("SUCCEEDED");
  const events = JSON.parse(JSON.stringify(run.raw.events)) as Array<{ EventType: string }>;
  mkdirSync(join(project, "histories"));
  writeFileSync(join(project, "histories", "finished.json"), JSON.stringify({ DurableExecutionArn: "arn:aws:lambda:eu-west-1:123456789012:function:checkout:1/durable-execution/finished", Events: events }, null, 2));
  // In flight: what GetDurableExecutionHistory returns while the execution sleeps.
  const parked = events.slice(0, events.findIndex((e) => e.EventType === "WaitStarted") + 1);
  writeFileSync(join(project, "histories", "parked.json"), JSON.stringify({ Events: parked }, null, 2));
}, 120_000);
afterAll(async () => {
  await stopEmulator();
});

describe("check --histories", () => {
  it.each([
    ["v1", 0, ["ok", "ok"]],
    ["v2-same", 0, ["ok", "ok"]],
    ["v2-appended", 0, ["ok", "ok"]],
    ["v2-inserted", 1, ["diverges", "diverges"]],
    ["v2-removed", 1, ["diverges", "ok"]],
  ] as const)("replays the recorded histories against %s", async (version, exit, [finished, parked]) => {
    const bundle = build(version);
    rmSync(marks, { force: true });
    const r = cli("check", "--histories", "histories", "--bundle", bundle);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(exit);
    expect(existsSync(marks) ? readFileSync(marks, "utf8") : "", "a step body ran during the replay").toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]!.startsWith(`${finished.padEnd(8)}  finished.json`)).toBe(true);
    expect(lines[1]!.startsWith(`${parked.padEnd(8)}  parked.json`)).toBe(true);
    await expectGoldenFile(r.stdout, join(REPO, "fixtures", "history-replay", `expected-${version}.txt`));
    const json = JSON.parse(cli("check", "--histories", "histories", "--bundle", bundle, "--json").stdout) as { ok: boolean; executions: Array<{ label: string; ok: boolean }> };
    expect(json.ok).toBe(exit === 0);
    expect(json.executions.map((e) => e.ok)).toEqual([finished === "ok", parked === "ok"]);
  }, 60_000);

  it("names the operation where an inserted call meets the record", () => {
    const r = cli("check", "--histories", "histories", "--bundle", "out/v2-inserted/v2-inserted.mjs");
    expect(r.stdout).toContain("the type recorded there is \"WAIT\", but the code now calls STEP Step \"notify\"");
  });

  describe("on bad input", () => {
    beforeAll(() => {
      mkdirSync(join(project, "bad-json"), { recursive: true });
      writeFileSync(join(project, "bad-json", "x.json"), "{ nope");
      mkdirSync(join(project, "not-history"), { recursive: true });
      writeFileSync(join(project, "not-history", "x.json"), JSON.stringify({ Operations: [] }));
      mkdirSync(join(project, "empty"), { recursive: true });
      writeFileSync(join(project, "engine.db"), "");
    });
    it.each([
      [["--histories", "missing", "--bundle", "out/v1/v1.mjs"], "--histories: no directory at", "get-durable-execution-history"],
      [["--histories", "empty", "--bundle", "out/v1/v1.mjs"], "holds no .json file", "get-durable-execution-history"],
      [["--histories", "bad-json", "--bundle", "out/v1/v1.mjs"], "is not valid JSON", "unedited"],
      [["--histories", "not-history", "--bundle", "out/v1/v1.mjs"], "is not a durable execution history", "as get-durable-execution-history prints it"],
      [["--histories", "engine.db", "--bundle", "out/v1/v1.mjs"], "engine.db is a file", "directory of GetDurableExecutionHistory JSON files"],
      [["--histories", "histories"], "--histories needs the new bundle", "--bundle dist/"],
      [["--histories", "histories", "--bundle", "out/none.mjs"], "--bundle: no file at", "use-durable build"],
      [["--histories", "histories", "--bundle", "out/v1/v1.mjs", "--handler", "main"], 'exports no function "main"', "functions it exports: handler"],
      [["--bundle", "out/v1/v1.mjs"], "--bundle and --handler go with --histories", "--histories"],
    ])("%j exits 2 and says how to fix it", (args, what, fix) => {
      const r = cli("check", ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(what);
      expect(r.stderr).toContain(fix);
    });
  });
});
