// Benchmark: `use-durable check` (type-aware) on this repository's check fixtures and on a generated
// project of 300 modules (bench/plugin-project.ts's generator: every tenth module durable). For each,
// the wall time of the real command (a fresh process: loading ts-morph and TypeScript, building the
// one program, analysing), median of `runs`, and in this process the split: program build vs
// analysis of the durable modules.
//
//   npx node --conditions=source bench/check.ts [modules=300] [runs=5]

import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProgram } from "../cli/check/project.ts";
import { typeCheck } from "../cli/check/type-check.ts";
import { generateProject } from "./plugin-project.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const modules = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 5);
const benchDir = join(repo, ".tmp", `bench-check-${process.pid}`);
const project = generateProject(benchDir, repo, modules);
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));
writeFileSync(
  join(project.dir, "tsconfig.json"),
  JSON.stringify({ compilerOptions: { target: "ES2022", lib: ["ES2023"], module: "NodeNext", moduleResolution: "NodeNext", customConditions: ["source"], types: [], strict: true, noEmit: true, allowImportingTsExtensions: true }, include: ["src/*.ts"] }),
);
writeFileSync(join(project.dir, "package.json"), JSON.stringify({ name: "bench-check", private: true, type: "module" }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, tsconfig: string, cwd: string): Promise<void> {
  const wall: number[] = [];
  let summary = "";
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ["--conditions=source", join(repo, "cli/main.ts"), "check", "--project", tsconfig], { cwd, encoding: "utf8" });
    wall.push(performance.now() - t);
    summary = r.stdout.trim().split("\n").at(-1) ?? r.stderr;
  }
  const t0 = performance.now();
  const { ts, program, sourceFiles } = await loadProgram(tsconfig);
  const t1 = performance.now();
  const result = typeCheck(ts, program, sourceFiles, { root: cwd, profile: "json", strict: false });
  const t2 = performance.now();
  console.log(`${label}: ${summary}`);
  console.log(`  command, wall time (median of ${runs}): ${median(wall).toFixed(0)} ms  [${wall.map((w) => w.toFixed(0)).join(", ")}]`);
  console.log(`  in process: program ${(t1 - t0).toFixed(0)} ms (${program.getSourceFiles().length} files with libraries), analysis ${(t2 - t1).toFixed(0)} ms for ${result.durableFiles} durable modules (${((t2 - t1) / Math.max(1, result.durableFiles)).toFixed(1)} ms each)`);
}

await measure("fixtures/check-* (this repository)", join(repo, "fixtures", "check-tsconfig.json"), repo);
await measure(`generated project, ${project.modules} modules (${project.durable} durable)`, join(project.dir, "tsconfig.json"), project.dir);
