/**
 * `use-durable check --against` as a user runs it, on every fixture pair under fixtures/deploy-*:
 * old.ts and new.ts are compiled as the same file (src/flow.ts of the fixture), their manifests
 * written as a build writes them, and the command's text and JSON output must equal expected.txt and
 * expected.json, with exit 0 exactly when every function is unchanged or safe.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/index.ts";
import { DEPLOY_CODES } from "../cli/check/deploy-classify.ts";
import { expectGoldenFile } from "./compiler-golden.ts";
import { REPO } from "./plugin-bundle.ts";

const fixtures = join(REPO, "fixtures");
const pairs = readdirSync(fixtures).filter((d) => d.startsWith("deploy-")).sort();
const work = join(REPO, ".tmp", "check-against");

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--conditions=source", join(REPO, "cli/main.ts"), ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function buildManifest(source: string, id: string) {
  const result = compile(source, id, { root: REPO });
  if (!result) throw new Error(`${id}: no directive`);
  return { version: 1, root: ".", modules: [result.manifest], errors: 0, warnings: 0 };
}

function writePair(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const id = join(fixtures, name, "flow.ts");
  for (const side of ["old", "new"]) {
    writeFileSync(join(dir, `${side}.json`), JSON.stringify(buildManifest(readFileSync(join(fixtures, name, `${side}.ts`), "utf8"), id)));
  }
  return dir;
}

const seen = new Set<string>();

describe("check --against on every fixture pair", () => {
  it("has a pair for each classification", () => {
    for (const c of ["unchanged", "safe", "risky", "breaking"]) expect(pairs.some((p) => p.startsWith(`deploy-${c}`))).toBe(true);
  });

  for (const name of pairs) {
    it(name, async () => {
      const dir = writePair(name);
      const text = cli(dir, "check", "--against", "old.json", "--manifest", "new.json");
      expect(text.stderr).toBe("");
      await expectGoldenFile(text.stdout, join(fixtures, name, "expected.txt"));
      const json = cli(dir, "check", "--against", "old.json", "--manifest", "new.json", "--json");
      await expectGoldenFile(json.stdout, join(fixtures, name, "expected.json"));
      const report = JSON.parse(json.stdout) as { ok: boolean; functions: Array<{ classification: string; findings: Array<{ code: string; classification: string }> }> };
      expect(text.code).toBe(report.ok ? 0 : 1);
      expect(json.code).toBe(text.code);
      // The folder says which classification the pair shows; the handler must have it.
      const expected = name.split("-")[1];
      expect(report.functions.map((f) => f.classification)).toContain(expected);
      for (const f of report.functions) for (const x of f.findings) {
        seen.add(x.code);
        expect(text.stdout).toContain(`${x.code} ${x.classification}:`);
      }
    });
  }

  it("shows every finding code in some pair", () => {
    expect([...seen].sort()).toEqual([...DEPLOY_CODES].sort());
  });
});

describe("check --against on bad input", () => {
  const dir = join(work, "bad");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "broken.json"), "{ not json");
  writeFileSync(join(dir, "other.json"), JSON.stringify({ name: "package" }));
  writeFileSync(join(dir, "ok.json"), JSON.stringify({ version: 1, root: ".", modules: [] }));

  it.each([
    [["check", "--against", "missing.json", "--manifest", "ok.json"], "--against: no file at", "keep each release's use-durable.manifest.json"],
    [["check", "--against", "ok.json"], "--manifest: no file at", "Run use-durable build first"],
    [["check", "--against", "broken.json", "--manifest", "ok.json"], "broken.json is not valid JSON", "unedited"],
    [["check", "--against", "other.json", "--manifest", "ok.json"], "other.json is not a use-durable manifest", "as use-durable build writes it"],
    [["check", "--againts", "ok.json"], "Unknown option '--againts'", "check --help"],
    [["check", "--manifest", "ok.json"], "pass --against <old manifest> too", "--against"],
  ])("%j exits 2 and says how to fix it", (args, what, fix) => {
    const r = cli(dir, ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(what);
    expect(r.stderr).toContain(fix);
  });

  it("answers --help", () => {
    const r = cli(dir, "check", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("use-durable check --against <old manifest> [--manifest <new manifest>] [--json]");
  });
});
