/**
 * `use-durable check` (type-aware) as a user runs it, over the fixtures under fixtures/check-*: one
 * program for all of them (fixtures/check-tsconfig.json, as a project's tsconfig would hold many
 * modules). Each fixture's findings, cut from the text and the JSON output, must equal its
 * expected.txt and expected.json; both outputs list the same findings; exit 1 exactly when one is an
 * error. Every finding code (UD401-UD405) appears; where the types settle a compiler UD207 it is gone.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FINDING_FIXES } from "../cli/analysis/findings.ts";
import { compile } from "../compiler/index.ts";
import { expectGoldenFile } from "./compiler-golden.ts";
import { REPO } from "./plugin-bundle.ts";

const cases = readdirSync(join(REPO, "fixtures")).filter((d) => d.startsWith("check-") && !d.endsWith(".json")).sort();
const PROJECT = "fixtures/check-tsconfig.json";

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", join(REPO, "cli/main.ts"), ...args], { cwd: REPO });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Report {
  ok: boolean;
  errors: number;
  diagnostics: Array<{ code: string; severity: string; file: string; line: number; column: number; message: string }>;
}

let text: Awaited<ReturnType<typeof cli>>;
let json: Awaited<ReturnType<typeof cli>>;
let report: Report;
let rich: Awaited<ReturnType<typeof cli>>;
beforeAll(async () => {
  [text, json, rich] = await Promise.all([cli("check", "--project", PROJECT), cli("check", "--project", PROJECT, "--json"), cli("check", "--project", PROJECT, "--serdes", "rich")]);
  report = JSON.parse(json.stdout) as Report;
}, 120_000);

/** The printed findings of one fixture: each starts at its `file:line:col CODE` line, ends at a blank line. */
function textOf(out: string, name: string): string {
  return out.split("\n\n").filter((block) => block.startsWith(`fixtures/${name}/`)).map((b) => `${b}\n\n`).join("");
}

describe("check: type-aware findings", () => {
  it("prints the same findings as text and as JSON, and exits 1 on errors", () => {
    expect(text.stderr).toBe("");
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
    expect(report.errors).toBeGreaterThan(0);
    for (const d of report.diagnostics) expect(text.stdout).toContain(`${d.file}:${d.line}:${d.column} ${d.code} ${d.severity}: ${d.message}`);
    expect(text.stdout.match(/^\S+:\d+:\d+ UD\d+ (error|warning|note): /gm)).toHaveLength(report.diagnostics.length);
    expect(text.stdout).toMatch(/^\d+ error\(s\), \d+ warning\(s\) in 7 durable module\(s\) of 10 file\(s\) \(fixtures\/check-tsconfig\.json\)\n$/m);
  });

  for (const name of cases) {
    it(name, async () => {
      await expectGoldenFile(textOf(text.stdout, name), join(REPO, "fixtures", name, "expected.txt"));
      const mine = report.diagnostics.filter((d) => d.file.startsWith(`fixtures/${name}/`));
      await expectGoldenFile(`${JSON.stringify(mine, null, 2)}\n`, join(REPO, "fixtures", name, "expected.json"));
    });
  }

  it("has no finding in check-clean, and exits 0 on a project without errors", async () => {
    expect(report.diagnostics.filter((d) => d.file.startsWith("fixtures/check-clean/"))).toEqual([]);
    const dir = join(REPO, ".tmp", "check-clean");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../fixtures/check-tsconfig.json", include: ["../../fixtures/check-clean/*.ts"] }));
    const clean = await cli("check", "--project", ".tmp/check-clean/tsconfig.json");
    expect(clean.stdout).toBe("0 error(s), 0 warning(s) in 1 durable module(s) of 1 file(s) (.tmp/check-clean/tsconfig.json)\n");
    expect(clean.code).toBe(0);
  }, 60_000);

  it("shows every finding code", () => {
    const seen = new Set(report.diagnostics.map((d) => d.code));
    for (const code of Object.keys(FINDING_FIXES)) expect(seen, code).toContain(code);
  });

  it("with --serdes rich, Date, Map, Set and bigint pass; functions, promises and class instances still do not", async () => {
    await expectGoldenFile(textOf(rich.stdout, "check-serdes"), join(REPO, "fixtures", "check-serdes", "expected-rich.txt"));
    expect(rich.stdout).not.toMatch(/: (Date|Map<string, number>|Set<string>|bigint)` /);
    expect(rich.stdout).toContain("`result.format: () => string` a function cannot be serialised");
    expect(rich.stdout).toContain("an instance of class Cart with methods (total) and private fields (#owner)");
  });

  it("replaces the compiler's UD207 guesses the types settle", () => {
    const file = join(REPO, "fixtures/check-awaited-plain/flow.ts");
    const guesses = compile(readFileSync(file, "utf8"), file, { root: REPO })!.diagnostics.filter((d) => d.code === "UD207").map((d) => `${d.line}:${d.column}`);
    expect(guesses).toEqual(["8:22", "10:10"]);
    const mine = report.diagnostics.filter((d) => d.file === "fixtures/check-awaited-plain/flow.ts");
    // fetchRate is plain (UD403 says so); charge is a step behind a path alias (nothing to say).
    expect(mine.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(["UD403 8:22", "UD403 9:9"]);
  });
});

describe("check on bad input", () => {
  const dir = join(REPO, ".tmp", "check-types-bad");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tsconfig.json"), '{ "compilerOptions": { "strict": "yes" }, "include": ["*.ts"] }');

  it.each([
    [["check", "--project", "nope/tsconfig.json"], "--project: no tsconfig at", "pass --project path/to/tsconfig.json"],
    [["check", "--project", ".tmp/check-types-bad/tsconfig.json"], "is not a valid tsconfig", "so that tsc -p accepts it"],
    [["check", "--serdes", "yaml"], 'unknown --serdes "yaml"', "json, rich"],
    [["check", "--projct", "x"], "Unknown option '--projct'", "check --help"],
  ])("%j exits 2 and says how to fix it", async (args, what, fix) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(what);
    expect(r.stderr).toContain(fix);
  });
});
