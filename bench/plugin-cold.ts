// One cold build for bench/plugin.ts, in a process of its own: a fresh Node process, esbuild's service
// already running, then the clock starts, the plugin is imported from dist/ (as a user's build imports
// the published package) and one build runs. Prints {"ms": ...}. The cache state (empty, warm, one
// module edited) is arranged by the parent before it starts this process.
//
//   node bench/plugin-cold.ts <project dir> plain|plugin

import { build } from "esbuild";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const [dir, variant] = process.argv.slice(2) as [string, "plain" | "plugin"];
const escaped = join(repo, "runtime").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

await build({ stdin: { contents: "" }, write: false, logLevel: "silent" });
const start = performance.now();
const plugins = [];
if (variant === "plugin") {
  const { default: durable } = (await import(pathToFileURL(join(repo, "dist/plugin/esbuild.js")).href)) as typeof import("../plugin/esbuild.ts");
  // The runtime is excluded as it is for a user, whose copy sits under node_modules/.
  plugins.push(durable({ root: dir, manifest: false, exclude: [/[\\/]node_modules[\\/]/, new RegExp(`^${escaped}[\\\\/]`)] }));
}
const result = await build({
  entryPoints: [join(dir, "src/index.ts")],
  absWorkingDir: dir,
  bundle: true,
  write: false,
  outdir: join(dir, "out"),
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "external",
  conditions: ["source"],
  external: ["@aws-sdk/*"],
  logLevel: "silent",
  plugins,
});
const ms = performance.now() - start;
if (result.errors.length > 0) throw new Error(`build failed: ${result.errors.map((e) => e.text).join("\n")}`);
console.log(JSON.stringify({ ms }));
