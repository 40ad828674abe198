// Benchmark: esbuild with and without the use-durable plugin on the same generated project (about 300
// modules, 10% durable), in one process, one run after the other. Prints the cold build (the first with
// the plugin pays for loading the compiler and TypeScript, as a one-shot `use-durable build` does), the
// median of warm builds for each, and their ratio. Target: warm ratio <= 1.3.
//
//   npx node --conditions=source bench/plugin.ts [modules=300] [runs=7]

import { build, type BuildOptions } from "esbuild";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import durable from "../plugin/esbuild.ts";
import { generateProject } from "./plugin-project.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const modules = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 7);
const project = generateProject(join(repo, ".tmp", "bench-plugin"), repo, modules);

const base: BuildOptions = {
  entryPoints: [project.entry],
  absWorkingDir: project.dir,
  bundle: true,
  write: false,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "external",
  conditions: ["source"],
  external: ["@aws-sdk/*"],
  logLevel: "silent",
};

async function timed(withPlugin: boolean): Promise<number> {
  const start = performance.now();
  const result = await build({ ...base, plugins: withPlugin ? [durable({ root: project.dir, manifest: false })] : [] });
  const ms = performance.now() - start;
  if (result.errors.length > 0) throw new Error(`build failed: ${result.errors.map((e) => e.text).join("\n")}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const coldPlain = await timed(false);
const coldPlugin = await timed(true);
const plain: number[] = [];
const withPlugin: number[] = [];
for (let i = 0; i < runs; i++) {
  // Alternate so drift on a shared machine hits both sides alike.
  plain.push(await timed(false));
  withPlugin.push(await timed(true));
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`project: ${project.modules} modules, ${project.durable} with "use durable" (plus the runtime), esbuild bundle + source maps`);
console.log(`cold   esbuild ${fmt(coldPlain)}   esbuild + use-durable ${fmt(coldPlugin)}   (first build in the process)`);
console.log(`warm   esbuild ${fmt(median(plain))}   esbuild + use-durable ${fmt(median(withPlugin))}   (median of ${runs})`);
console.log(`ratio  warm ${(median(withPlugin) / median(plain)).toFixed(2)}x   cold ${(coldPlugin / coldPlain).toFixed(2)}x   target <= 1.30x`);
