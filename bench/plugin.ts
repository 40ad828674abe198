// Benchmark: esbuild with and without the use-durable plugin on one generated project (300 modules,
// 10% durable; bench/plugin-project.ts). Targets (issue 14): warm <= 1.3x plain esbuild, cold <= 1.5x.
//
// - cold: each build in a fresh Node process (bench/plugin-cold.ts), the plugin imported from dist/ as a
//   user's build imports it; the clock covers importing the plugin and the build. Four cache states:
//   nothing changed since the last build (the persistent cache serves every durable module), one durable
//   module edited, an empty cache (the first build of a checkout), and the empty cache with the compile
//   thread off (USE_DURABLE_COMPILE_THREAD=0: TypeScript loads in esbuild's thread, as before issue 14).
//   The compile thread starts from the compile server's snapshot (plugin/compile-snapshot.ts), made once
//   before the runs in a folder of this run; the "no snapshot" variants start the worker instead, as
//   before the snapshot existed (and as on Node 20).
// - warm: one process, a fresh plugin instance per build (a build script run again in a warm process),
//   against plain esbuild, an onLoad that only reads each file (the floor any JS plugin pays) and the
//   same through unplugin's esbuild adapter with our filters (the floor of a plugin made with unplugin);
//   and with `cache: false`, every durable module compiled on every build.
// - rebuild: one esbuild context each, nothing changed (watch mode).
// Variants alternate within each round, and the order rotates, so drift on a shared machine hits all.
//
//   npm run build && node bench/plugin.ts [modules=300] [warm runs=11] [cold rounds=7]

import { build, context, type BuildOptions, type Plugin } from "esbuild";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createUnplugin } from "unplugin";
import { DIRECTIVE_HINT } from "../plugin/module-filter.ts";
import { generateProject } from "./plugin-project.ts";
import { describe, median, record } from "./report.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const modules = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 11);
const rounds = Number(process.argv[4] ?? 7);

// The cold builds import dist/: it must be built from the current sources.
const newest = (dir: string, ext: RegExp): number => Math.max(...readdirSync(dir).filter((f) => ext.test(f)).map((f) => statSync(join(dir, f)).mtimeMs));
const sources = Math.max(newest(join(repo, "plugin"), /\.ts$/), newest(join(repo, "compiler"), /\.ts$/));
let built = 0;
try {
  built = Math.min(newest(join(repo, "dist/plugin"), /\.js$/), newest(join(repo, "dist/compiler"), /\.js$/));
} catch {
  // no dist/
}
if (built < sources) {
  console.error("bench/plugin.ts: dist/ is missing or older than plugin/ or compiler/: run `npm run build` first.");
  process.exit(1);
}
type DistPlugin = typeof import("../plugin/esbuild.ts");
type DistCompiler = typeof import("../compiler/index.ts");
const durable = ((await import(pathToFileURL(join(repo, "dist/plugin/esbuild.js")).href)) as DistPlugin).default;
const { compile } = (await import(pathToFileURL(join(repo, "dist/compiler/index.js")).href)) as DistCompiler;

const runtimeDir = new RegExp(`^${join(repo, "runtime").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\\\/]`);
const exclude = [/[\\/]node_modules[\\/]/, runtimeDir];
// One directory per process: two runs at once (a shared machine) must not delete each other's files.
const benchDir = join(repo, ".tmp", `bench-plugin-${process.pid}`);
const project = generateProject(benchDir, repo, modules);
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));
const cacheDir = join(project.dir, ".use-durable");

// ---- cold: fresh processes ----
type Cold =
  | "esbuild"
  | "nothing changed"
  | "one durable module edited"
  | "one durable module edited, no snapshot"
  | "empty cache"
  | "empty cache, no snapshot"
  | "empty cache, thread off";
const coldVariants: Cold[] = ["esbuild", "nothing changed", "one durable module edited", "one durable module edited, no snapshot", "empty cache", "empty cache, no snapshot", "empty cache, thread off"];
// The compile server's snapshot of this run, made now rather than by the first build in the background.
const snapshotDir = join(benchDir, "snapshots");
process.env.USE_DURABLE_SNAPSHOT_DIR = snapshotDir;
const snapshots = (await import(pathToFileURL(join(repo, "dist/plugin/compile-snapshot.js")).href)) as typeof import("../plugin/compile-snapshot.ts");
const snapshotStarted = performance.now();
const snapshotMade = snapshots.snapshotsEnabled() && (await snapshots.makeSnapshot());
const snapshotMs = performance.now() - snapshotStarted;
const cold = new Map<Cold, number[]>(coldVariants.map((v) => [v, []]));
const edited = join(project.dir, "src", `flow-${Math.floor(modules / 20) * 10 + 9}.ts`);
let edits = 0;
function coldRun(variant: Cold): number {
  if (variant.startsWith("empty cache")) rmSync(cacheDir, { recursive: true, force: true });
  if (variant.startsWith("one durable module edited")) writeFileSync(edited, `${readFileSync(edited, "utf8")}\nexport const edit${edits++} = ${edits};\n`);
  const out = execFileSync(process.execPath, [join(repo, "bench/plugin-cold.ts"), project.dir, variant === "esbuild" ? "plain" : "plugin"], {
    encoding: "utf8",
    env: {
      ...process.env,
      USE_DURABLE_COMPILE_THREAD: variant === "empty cache, thread off" ? "0" : "1",
      USE_DURABLE_COMPILE_SNAPSHOT: variant.endsWith("no snapshot") || variant.endsWith("thread off") ? "0" : "1",
    },
  });
  return (JSON.parse(out) as { ms: number }).ms;
}
coldRun("empty cache"); // fills the cache and the OS file cache; not counted
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < coldVariants.length; i++) {
    const variant = coldVariants[(i + round) % coldVariants.length]!;
    cold.get(variant)!.push(coldRun(variant));
  }
}

// ---- warm: one process ----
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

// The same floor through unplugin's esbuild adapter, with the plugin's own filters (onLoadFilter, then
// transform.filter on the id and the directive hint) and a handler that is never reached: what going
// through unplugin costs by itself, since use-durable/esbuild does (the project's rule).
const unpluginOnly: Plugin = createUnplugin(() => ({
  name: "unplugin-floor",
  transform: { filter: { id: { include: [/\.[cm]?[jt]sx?$/], exclude }, code: { include: DIRECTIVE_HINT } }, handler: () => null },
  esbuild: { onLoadFilter: /\.[cm]?[jt]sx?$/ },
})).esbuild();

type Warm = "esbuild" | "onLoad floor" | "unplugin floor" | "use-durable" | "use-durable, cache: false";
const warmVariants: Warm[] = ["esbuild", "onLoad floor", "unplugin floor", "use-durable", "use-durable, cache: false"];
const warm = new Map<Warm, number[]>(warmVariants.map((v) => [v, []]));
async function warmRun(variant: Warm): Promise<number> {
  const plugins =
    variant === "esbuild" ? [] : variant === "onLoad floor" ? [onLoadOnly] : variant === "unplugin floor" ? [unpluginOnly] : [durable({ root: project.dir, manifest: false, exclude, cache: variant === "use-durable" ? undefined : false })];
  const start = performance.now();
  const result = await build({ ...base, plugins });
  const ms = performance.now() - start;
  if (result.errors.length > 0) throw new Error(`build failed: ${result.errors.map((e) => e.text).join("\n")}`);
  return ms;
}
for (const v of warmVariants) await warmRun(v); // warm-up, not counted
for (let i = 0; i < runs; i++) {
  for (let j = 0; j < warmVariants.length; j++) {
    const variant = warmVariants[(i + j) % warmVariants.length]!;
    warm.get(variant)!.push(await warmRun(variant));
  }
}

// compile() alone on the durable modules, warm, in this thread.
const durableFiles = readdirSync(join(project.dir, "src")).filter((f) => f.startsWith("flow-"));
const compileRuns: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  for (const f of durableFiles) {
    const path = join(project.dir, "src", f);
    compile(readFileSync(path, "utf8"), path, { root: project.dir })?.tokenMap.toUrl();
  }
  compileRuns.push(performance.now() - start);
}

// Rebuilds through one esbuild context each (watch mode): the plugin instance is reused.
async function rebuilds(withPlugin: boolean): Promise<number[]> {
  const ctx = await context({ ...base, plugins: withPlugin ? [durable({ root: project.dir, manifest: false, exclude })] : [] });
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

// ---- report ----
const ratio = (xs: number[], anchor: number[]) => `${(median(xs) / median(anchor)).toFixed(2)}x`;
console.log(`project: ${project.modules} modules, ${project.durable} with "use durable" (plus the runtime), esbuild bundle + source maps; node ${process.version}`);
console.log(`cold builds, each in a fresh process (import of the plugin from dist/ + one build), ${rounds} rounds:`);
console.log(`  (the compile server's snapshot: ${snapshotMade ? `made in ${(snapshotMs / 1000).toFixed(1)} s before the runs` : "not made: every variant starts the worker"})`);
const coldPlain = cold.get("esbuild")!;
for (const v of coldVariants) {
  const xs = cold.get(v)!;
  console.log(`  ${(v === "esbuild" ? "esbuild" : `+ use-durable, ${v}`).padEnd(44)} ${describe(xs)}${v === "esbuild" ? "" : `  ${ratio(xs, coldPlain)}`}`);
  record({ bench: "plugin", name: v === "esbuild" ? "cold build: esbuild" : `cold build: esbuild + use-durable, ${v}`, unit: "ms", samples: xs, ...(v === "esbuild" ? {} : { anchor: "cold build: esbuild", target: v.includes("thread off") || v.includes("no snapshot") ? undefined : "<= 1.5x" }) });
}
console.log(`warm builds, one process, a fresh plugin instance per build, ${runs} runs:`);
const warmPlain = warm.get("esbuild")!;
for (const v of warmVariants) {
  const xs = warm.get(v)!;
  console.log(`  ${(v === "esbuild" ? "esbuild" : v === "onLoad floor" ? "+ an onLoad that only reads each module" : v === "unplugin floor" ? "+ the same through unplugin, no handler" : `+ ${v}`).padEnd(44)} ${describe(xs)}${v === "esbuild" ? "" : `  ${ratio(xs, warmPlain)}`}`);
  record({ bench: "plugin", name: `warm build: ${v === "esbuild" ? "esbuild" : `esbuild + ${v}`}`, unit: "ms", samples: xs, ...(v === "esbuild" ? {} : { anchor: "warm build: esbuild", target: v === "use-durable" ? "<= 1.3x" : undefined }) });
}
console.log(`rebuild (one context each, nothing changed): esbuild ${describe(rebuildPlain)}   + use-durable ${describe(rebuildPlugin)}  ${ratio(rebuildPlugin, rebuildPlain)}`);
record({ bench: "plugin", name: "rebuild: esbuild context", unit: "ms", samples: rebuildPlain });
record({ bench: "plugin", name: "rebuild: esbuild context + use-durable", unit: "ms", samples: rebuildPlugin, anchor: "rebuild: esbuild context" });
console.log(`compile() of the ${durableFiles.length} durable modules alone, warm, with their maps: ${describe(compileRuns)}`);
record({ bench: "plugin", name: `compile() of the ${durableFiles.length} durable modules, warm`, unit: "ms", samples: compileRuns });
