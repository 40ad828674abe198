// Benchmark: esbuild with and without the use-durable plugin on the same generated project (about 300
// modules, 10% durable), in one process, one run after the other. Prints the cold build (the first with
// the plugin pays for loading the compiler and TypeScript, as a one-shot `use-durable build` does), the
// median of warm builds for each, and their ratio (target: warm ratio <= 1.3), plus the two costs the
// difference is made of: esbuild's per-module round trip into any JS plugin, and compile() itself;
// and the same pair rebuilding through an esbuild context, as watch mode does.
//
//   npm run bench:plugin -- [modules=300] [runs=11]

import { build, context, type BuildOptions, type Plugin } from "esbuild";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "../compiler/index.ts";
import durable from "../plugin/esbuild.ts";
import { generateProject } from "./plugin-project.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const modules = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 11);
const runtimeDir = new RegExp(`^${join(repo, "runtime").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\\\/]`);
// One directory per process: two runs at once (a shared machine) must not delete each other's files.
const benchDir = join(repo, ".tmp", `bench-plugin-${process.pid}`);
const project = generateProject(benchDir, repo, modules);
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));

const base: BuildOptions = {
  entryPoints: [project.entry],
  absWorkingDir: project.dir,
  bundle: true,
  write: false,
  outdir: join(benchDir, "out"), // names the map files; nothing is written
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "external",
  conditions: ["source"],
  external: ["@aws-sdk/*"],
  logLevel: "silent",
};

// The floor any esbuild plugin that looks at module text pays: one onLoad round trip from esbuild's Go
// process into JS per module, reading the file and returning nothing.
const onLoadOnly: Plugin = {
  name: "onload-floor",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
      readFileSync(args.path, "utf8");
      return undefined;
    });
  },
};

type Variant = "plain" | "floor" | "plugin";

async function timed(variant: Variant): Promise<number> {
  const start = performance.now();
  // The runtime is excluded as it is for a user, whose copy sits under node_modules/ (here the link
  // resolves into this repository).
  const plugins =
    variant === "plain"
      ? []
      : variant === "floor"
        ? [onLoadOnly]
        : [durable({ root: project.dir, manifest: false, exclude: [/[\\/]node_modules[\\/]/, runtimeDir] })];
  const result = await build({ ...base, plugins });
  const ms = performance.now() - start;
  if (result.errors.length > 0) throw new Error(`build failed: ${result.errors.map((e) => e.text).join("\n")}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

// Start esbuild's service first so neither cold build pays for spawning it.
await build({ stdin: { contents: "" }, write: false, logLevel: "silent" });
const coldPlain = await timed("plain");
const coldPlugin = await timed("plugin");
const plain: number[] = [];
const floor: number[] = [];
const withPlugin: number[] = [];
for (let i = 0; i < runs; i++) {
  // Alternate so drift on a shared machine hits all sides alike.
  plain.push(await timed("plain"));
  floor.push(await timed("floor"));
  withPlugin.push(await timed("plugin"));
}
// compile() alone on the durable modules, warm, in this process.
const durableFiles = readdirSync(join(project.dir, "src")).filter((f) => f.startsWith("flow-"));
const compileRuns: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  for (const f of durableFiles) {
    const path = join(project.dir, "src", f);
    compile(readFileSync(path, "utf8"), path, { root: project.dir })?.map.toUrl();
  }
  compileRuns.push(performance.now() - start);
}
// Rebuilds through one esbuild context each (watch mode): the plugin instance is reused, so unchanged
// durable modules are not compiled again (plugin/compile-cache.ts).
async function rebuilds(withPlugin: boolean): Promise<number[]> {
  const plugins = withPlugin
    ? [durable({ root: project.dir, manifest: false, exclude: [/[\\/]node_modules[\\/]/, runtimeDir] })]
    : [];
  const ctx = await context({ ...base, plugins });
  const times: number[] = [];
  try {
    await ctx.rebuild();
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await ctx.rebuild();
      times.push(performance.now() - start);
    }
  } finally {
    await ctx.dispose();
  }
  return times;
}
const rebuildPlain = await rebuilds(false);
const rebuildPlugin = await rebuilds(true);

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`project: ${project.modules} modules, ${project.durable} with "use durable" (plus the runtime), esbuild bundle + source maps`);
console.log(`cold   esbuild ${fmt(coldPlain)}   esbuild + use-durable ${fmt(coldPlugin)}   (first build in the process)`);
console.log(`warm   esbuild ${fmt(median(plain))}   esbuild + use-durable ${fmt(median(withPlugin))}   (median of ${runs})`);
console.log(`floor  esbuild + an onLoad that only reads each module ${fmt(median(floor))}   compile() of the ${durableFiles.length} durable modules alone ${fmt(median(compileRuns))}`);
console.log(`rebuild esbuild ${fmt(median(rebuildPlain))}   esbuild + use-durable ${fmt(median(rebuildPlugin))}   ratio ${(median(rebuildPlugin) / median(rebuildPlain)).toFixed(2)}x   (one context each, nothing changed)`);
console.log(`ratio  warm ${(median(withPlugin) / median(plain)).toFixed(2)}x   cold ${(coldPlugin / coldPlain).toFixed(2)}x   target <= 1.30x   (the onLoad floor alone: ${(median(floor) / median(plain)).toFixed(2)}x)`);
