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
import { createEngine } from "../engine/index.ts";

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

/**
 * The same version run on the local engine, into one database file: "finished" on skipped time, then
 * "parked" on real time, left at its 30 s wait when the engine closes (as a `use-durable dev` user
 * leaves executions in flight).
 */
async function recordOnEngine(database: string, bundle: string, functionName = "checkout"): Promise<void> {
  const skipping = await createEngine({ database, clock: "skip" });
  skipping.register(functionName, { bundle, export: "handler" });
  skipping.begin();
  const finished = await skipping.waitFor(skipping.start(functionName, { payload: { id: "o-1" }, executionName: "finished" }).arn);
  expect(finished.Status).toBe("SUCCEEDED");
  await skipping.close();
  const real = await createEngine({ database, clock: "real" });
  real.register(functionName, { bundle, export: "handler" });
  real.begin();
  const { arn } = real.start(functionName, { payload: { id: "o-2" }, executionName: "parked" });
  const parked = () => real.store.execution(arn)?.invocationId == null && real.store.events(arn, 0, 100, false).some((e) => e.EventType === "WaitStarted");
  while (!parked()) await new Promise((r) => setTimeout(r, 20));
  await real.close();
}

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

  describe("from the local engine's database", () => {
    beforeAll(async () => {
      await recordOnEngine(join(project, "histories.db"), join(project, "out", "recorded", "v1.mjs"));
    }, 120_000);

    it.each([
      ["v1", 0, [true, true]],
      ["v2-appended", 0, [true, true]],
      ["v2-inserted", 1, [false, false]],
      ["v2-removed", 1, [false, true]],
    ] as const)("replays the engine's executions against %s", (version, exit, [finished, parked]) => {
      rmSync(marks, { force: true });
      const r = cli("check", "--histories", "histories.db", "--bundle", `out/${version}/${version}.mjs`, "--json");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(exit);
      expect(existsSync(marks) ? readFileSync(marks, "utf8") : "", "a step body ran during the replay").toBe("");
      const json = JSON.parse(r.stdout) as { executions: Array<{ label: string; ok: boolean; arn: string }> };
      expect(json.executions.map((e) => [e.label, e.ok])).toEqual([["finished [SUCCEEDED]", finished], ["parked [RUNNING]", parked]]);
      expect(json.executions.every((e) => e.arn.includes(":function:checkout"))).toBe(true);
    });

    it("says which function to replay when the file holds several, and reads one with --function", async () => {
      const database = join(project, "two-functions.db");
      await recordOnEngine(database, join(project, "out", "recorded", "v1.mjs"), "checkout");
      const other = await createEngine({ database, clock: "skip" });
      other.register("refund", { handler: async () => ({ Status: "SUCCEEDED", Result: "" }) }, { durable: false });
      other.register("other", { bundle: join(project, "out", "recorded", "v1.mjs"), export: "handler" });
      other.begin();
      await other.waitFor(other.start("other", { payload: { id: "o-3" } }).arn);
      await other.close();
      const both = cli("check", "--histories", "two-functions.db", "--bundle", "out/v1/v1.mjs");
      expect(both.code).toBe(2);
      expect(both.stderr).toContain("holds executions of 2 functions (checkout, other)");
      expect(both.stderr).toContain("--function <name>");
      const one = cli("check", "--histories", "two-functions.db", "--bundle", "out/v1/v1.mjs", "--function", "other");
      expect(one.stderr).toBe("");
      expect(one.code).toBe(0);
      expect(one.stdout).toContain("1 execution(s): 1 replay, 0 diverge");
    }, 120_000);
  });

  describe("on bad input", () => {
    beforeAll(() => {
      mkdirSync(join(project, "bad-json"), { recursive: true });
      writeFileSync(join(project, "bad-json", "x.json"), "{ nope");
      mkdirSync(join(project, "not-history"), { recursive: true });
      writeFileSync(join(project, "not-history", "x.json"), JSON.stringify({ Operations: [] }));
      mkdirSync(join(project, "empty"), { recursive: true });
      writeFileSync(join(project, "engine.db"), "");
      writeFileSync(join(project, "other.db"), Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(4080)]));
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
      [["--bundle", "out/v1/v1.mjs"], "--bundle, --handler and --function go with --histories", "--histories"],
      [["--histories", "histories", "--bundle", "out/v1/v1.mjs", "--function", "checkout"], "--function picks executions in an engine database", ".use-durable/engine.db"],
      [["--histories", "other.db", "--bundle", "out/v1/v1.mjs"], "other.db is not an engine database", ".use-durable/engine.db a use-durable engine wrote"],
      [["--histories", "histories.db", "--bundle", "out/v1/v1.mjs", "--function", "nope"], 'holds no execution of function "nope"', "use-durable run"],
    ])("%j exits 2 and says how to fix it", (args, what, fix) => {
      const r = cli("check", ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(what);
      expect(r.stderr).toContain(fix);
    });
  });
});
