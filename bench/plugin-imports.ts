// Benchmark: what resolving imported steps costs the plugin per durable module (plugin/import-summaries.ts).
// A generated project of `durable` durable modules, each importing three steps and a plain helper from
// its own feature barrel (barrel-i.ts: `export *` of steps-i.ts plus a namespace re-export), next to
// ordinary modules. Prints, per durable module: the resolution + summaries with a cold cache (first
// build), with a warm cache (a rebuild: files read again and compared, nothing parsed), and compile()
// itself for scale; and a whole esbuild build with the plugin.
//
//   node --conditions=source bench/plugin-imports.ts [durable=30] [runs=11]

import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as compiler from "../compiler/index.ts";
import durable from "../plugin/esbuild.ts";
import { ImportSummaries, probeRelative } from "../plugin/import-summaries.ts";
import { record } from "./report.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const count = Number(process.argv[2] ?? 30);
const runs = Number(process.argv[3] ?? 11);
const dir = join(repo, ".tmp", "bench-plugin-imports");

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, "src"), { recursive: true });
mkdirSync(join(dir, "node_modules"), { recursive: true });
symlinkSync(repo, join(dir, "node_modules", "use-durable"), "dir");
const files: string[] = [];
for (let i = 0; i < count; i++) {
  const src = (name: string) => join(dir, "src", name);
  writeFileSync(src(`steps-${i}.ts`), `export async function reserve${i}(items: string[]) {\n  "use step";\n  return items.length;\n}\n\nexport async function charge${i}(cents: number) {\n  "use step";\n  return \`charged \${cents}\`;\n}\n\nexport async function ship${i}(item: string) {\n  "use step";\n  return \`shipped \${item}\`;\n}\n\nexport function format${i}(s: string): string {\n  return s.toUpperCase();\n}\n`);
  writeFileSync(src(`barrel-${i}.ts`), `export * from "./steps-${i}.ts";\nexport * as steps from "./steps-${i}.ts";\n`);
  writeFileSync(src(`util-${i}.ts`), `export function sum${i}(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n`);
  writeFileSync(src(`flow-${i}.ts`), `import { sleep } from "use-durable";\nimport { charge${i}, format${i}, reserve${i}, steps } from "./barrel-${i}.ts";\nimport { sum${i} } from "./util-${i}.ts";\n\nexport async function handler${i}(order: { items: string[]; cents: number[] }) {\n  "use durable";\n  await reserve${i}(order.items);\n  const receipt = await charge${i}(sum${i}(order.cents));\n  await sleep({ seconds: 30 });\n  const shipped = await Promise.all(order.items.map((item) => steps.ship${i}(item)));\n  return { receipt: format${i}(receipt), shipped };\n}\n`);
  files.push(src(`flow-${i}.ts`));
}
const entry = join(dir, "src", "index.ts");
writeFileSync(entry, files.map((f, i) => `export * as f${i} from "./${f.slice(f.lastIndexOf("/") + 1)}";`).join("\n") + "\n");

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const texts = files.map((f) => readFileSync(f, "utf8"));
const probe = async (specifier: string, importer: string) => probeRelative(specifier, importer);
compiler.compile(texts[0]!, files[0]!); // load TypeScript outside the timings

const cold: number[] = [];
const warm: number[] = [];
const compileOnly: number[] = [];
let staticSteps = 0;
for (let r = 0; r < runs; r++) {
  const summaries = new ImportSummaries(() => true);
  let t = performance.now();
  const linked = [];
  for (let i = 0; i < count; i++) linked.push(await summaries.forModule(compiler, texts[i]!, files[i]!, probe));
  cold.push(performance.now() - t);
  t = performance.now();
  for (let i = 0; i < count; i++) await summaries.forModule(compiler, texts[i]!, files[i]!, probe);
  warm.push(performance.now() - t);
  t = performance.now();
  staticSteps = 0;
  for (let i = 0; i < count; i++) {
    const result = compiler.compile(texts[i]!, files[i]!, { root: dir, imports: linked[i]!.imports });
    staticSteps += (result?.code.match(/__ud\.callStep\(/g) ?? []).length;
  }
  compileOnly.push(performance.now() - t);
}
const builds: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await build({ entryPoints: [entry], absWorkingDir: dir, bundle: true, write: false, outdir: join(dir, "out"), platform: "node", format: "esm", conditions: ["source"], external: ["@aws-sdk/*"], logLevel: "silent", plugins: [durable({ root: dir, manifest: false, exclude: [/[\\/]node_modules[\\/]/, new RegExp(`^${repo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\\\/]runtime[\\\\/]`)] })] });
  builds.push(performance.now() - t);
}

const us = (ms: number) => `${((ms * 1000) / count).toFixed(0)} µs`;
console.log(`project: ${count} durable modules, each importing 3 steps through a barrel (export * and export * as), a plain helper and a util module`);
console.log(`resolve + summarise imports, per durable module: cold ${us(median(cold))}   warm (rebuild) ${us(median(warm))}   (median of ${runs})`);
console.log(`compile() per durable module, for scale: ${us(median(compileOnly))}   static callStep sites: ${staticSteps} of ${count * 3}`);
console.log(`esbuild + use-durable, whole build (fresh plugin each run): ${median(builds).toFixed(1)} ms`);
const perModule = (xs: number[]) => xs.map((ms) => (ms * 1000) / count);
record({ bench: "plugin-imports", name: "resolve + summarise imports per durable module, cold cache", unit: "µs", samples: perModule(cold) });
record({ bench: "plugin-imports", name: "resolve + summarise imports per durable module, rebuild", unit: "µs", samples: perModule(warm) });
record({ bench: "plugin-imports", name: "compile() per durable module, for scale", unit: "µs", samples: perModule(compileOnly) });
