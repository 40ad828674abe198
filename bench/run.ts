// `npm run bench`: runs every benchmark script, one after the other (never two at once: they would
// measure each other), each with BENCH_REPORT pointing at a file where it appends its figures
// (bench/report.ts), and writes BENCHMARKS.md: for every figure its median, min, max, run count and the
// ratio to its anchor (the official SDK, the swc plugin or plain esbuild, measured in the same run), the
// issue 14 targets met or not, the machine, the Node version, the load average before and after (the
// machine may be shared), and each script's command and full output. bench/engine.ts runs too when it
// exists; a script that records no figures still has its output in the file.
//
//   npm run bench            (npm run build first: bench/plugin.ts imports dist/)
//   node bench/run.ts [--only=plugin,cold-start]   (a partial run writes .tmp/BENCHMARKS.partial.md)

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median, stats, type Figure } from "./report.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");

interface Bench {
  id: string;
  title: string;
  args: string[];
}
const SOURCE = "--conditions=source";
const benches: Bench[] = [
  { id: "runtime", title: "Runtime: per-step cost and replay, in-memory service", args: [SOURCE, "bench/runtime.ts", "3", "--official"] },
  { id: "map", title: "map: 1,000 and 10,000 items at maxConcurrency 10, in-memory service", args: [SOURCE, "bench/ops-map.ts", "3", "--official"] },
  { id: "round-trips", title: "Checkpoint round trips, 5 ms per request", args: [SOURCE, "bench/round-trips.ts", "5"] },
  { id: "cold-start", title: "Cold start to the first checkpoint", args: ["bench/cold-start.ts", "9"] },
  { id: "compiler", title: "Compiler: compile() against @workflow/swc-plugin", args: [SOURCE, "bench/compiler.ts"] },
  { id: "plugin", title: "Build overhead: esbuild with and without the plugin, 300 modules", args: ["bench/plugin.ts", "300", "9", "5"] },
  { id: "plugin-imports", title: "Resolving imported steps, per durable module", args: [SOURCE, "bench/plugin-imports.ts"] },
  ...(existsSync(join(repo, "bench/engine.ts")) ? [{ id: "engine", title: "Local engine", args: [SOURCE, "bench/engine.ts"] }] : []),
].filter((b) => !only || only.includes(b.id));

const tmp = join(repo, ".tmp", `bench-run-${process.pid}`);
mkdirSync(tmp, { recursive: true });
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

const started = Date.now();
const loadBefore = loadavg();
const results: Array<{ bench: Bench; figures: Figure[]; output: string; seconds: number; failed?: string }> = [];
for (const bench of benches) {
  const report = join(tmp, `${bench.id}.jsonl`);
  writeFileSync(report, "");
  const t = Date.now();
  process.stdout.write(`bench ${bench.id}: node ${bench.args.join(" ")} ... `);
  let output = "";
  let failed: string | undefined;
  try {
    const run = await promisify(execFile)(process.execPath, bench.args, { cwd: repo, env: { ...process.env, BENCH_REPORT: report }, maxBuffer: 64 * 1024 * 1024 });
    output = run.stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    failed = e.message.split("\n")[0];
  }
  const figures = readFileSync(report, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Figure);
  const seconds = (Date.now() - t) / 1000;
  results.push({ bench, figures, output, seconds, ...(failed ? { failed } : {}) });
  console.log(failed ? `FAILED (${failed})` : `${figures.length} figures, ${seconds.toFixed(0)} s`);
}
const loadAfter = loadavg();

// ---- BENCHMARKS.md ----
const num = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));
const find = (bench: string, name: string) => results.find((r) => r.bench.id === bench)?.figures.find((f) => f.name === name);
const ratio = (f: Figure, bench: string): number | undefined => {
  const anchor = f.anchor ? find(bench, f.anchor) : undefined;
  return anchor ? median(f.samples) / median(anchor.samples) : undefined;
};

const lines: string[] = [];
const cpu = cpus();
lines.push(
  "# Benchmarks",
  "",
  "Written by `npm run bench` (`bench/run.ts`), which runs every script under `bench/` one after the other and",
  "collects their figures. Benchmarks are scripts, never timed tests. Each figure: the median, min and max of",
  "its runs, the run count, and the ratio of its median to its anchor's (the official SDK 2.4.0, the",
  "`@workflow/swc-plugin` or plain esbuild), measured in the same run, the variants alternating.",
  "",
  `- Date: ${new Date(started).toISOString().slice(0, 16).replace("T", " ")} UTC; the whole run took ${((Date.now() - started) / 60_000).toFixed(1)} minutes.`,
  `- Machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${type()} ${release()}.`,
  `- Node ${process.version}. Command: \`npm run bench\` (\`npm run build && node bench/run.ts\`).`,
  `- Load average (1, 5, 15 min) before ${loadBefore.map((x) => x.toFixed(1)).join(", ")}; after ${loadAfter.map((x) => x.toFixed(1)).join(", ")}. On a shared machine wall times move together; compare ratios, not absolute figures, across runs.`,
  "",
);

// Targets of issue 14.
const target = (label: string, bench: string, name: string, goal: string, check: (value: number) => boolean, value: (f: Figure) => number | undefined = (f) => ratio(f, bench)) => {
  const f = find(bench, name);
  const v = f ? value(f) : undefined;
  return `| ${label} | ${goal} | ${v === undefined ? "not measured" : `${num(v)}${f?.unit === "requests/step" ? " requests/step" : "x"}`} | ${v === undefined ? "" : check(v) ? "met" : "**not met**"} |`;
};
lines.push(
  "## Issue 14 targets",
  "",
  "| Target | Goal | Measured (median) | |",
  "| --- | --- | --- | --- |",
  target("Cold start to the first checkpoint, use-durable / official SDK", "cold-start", "first checkpoint: use-durable", "<= 0.33x", (v) => v <= 1 / 3),
  target("Requests per sequential step with 1 ms of I/O (use-durable)", "round-trips", "sequential steps with 1 ms of I/O: use-durable (requests per step)", "1", (v) => v <= 1, (f) => median(f.samples)),
  target("Requests per short step, pipelinedCheckpoints", "round-trips", "sequential short steps (no I/O): use-durable, pipelinedCheckpoints (requests per step)", "about 1/125 (START and SUCCEED of 125 steps per request)", (v) => v <= 0.01, (f) => median(f.samples)),
  target("Warm build, esbuild + use-durable / esbuild", "plugin", "warm build: esbuild + use-durable", "<= 1.3x", (v) => v <= 1.3),
  target("Cold build, nothing changed", "plugin", "cold build: esbuild + use-durable, nothing changed", "<= 1.5x", (v) => v <= 1.5),
  target("Cold build, one durable module edited", "plugin", "cold build: esbuild + use-durable, one durable module edited", "<= 1.5x", (v) => v <= 1.5),
  target("Cold build, empty cache (first build of a checkout)", "plugin", "cold build: esbuild + use-durable, empty cache", "<= 1.5x", (v) => v <= 1.5),
  "",
);

// Why a target is missed, from the profiles behind the commits (valgrind, CPU profiles, timelines):
// fixed text, kept true by hand when the code changes; the figures above are this run's.
lines.push(
  "## Notes on the targets (from the profiles; not regenerated)",
  "",
  "- **Cold builds that must compile** (one durable module edited, empty cache) are bound by TypeScript.",
  "  Timeline of a build with one edited module (instrumented, plain esbuild 313 ms, before the snapshot):",
  "  the compile thread is asked at +16 ms (warm start), its own code runs at +124 ms (Node's worker boot is",
  "  ~85 ms here), the compiler is imported at +218, TypeScript is loaded at +536 (~280 ms to evaluate even",
  "  from V8's code cache, ~400 without), the module is compiled at +563, and only then can esbuild's link and",
  "  output phase (~180 ms of its 313) start: the build ends at +746. On 2 cores nothing overlaps. The compile",
  "  thread now starts as a child from a V8 startup snapshot of the compile server (plugin/compile-snapshot.ts,",
  "  made once per machine after a build that compiled): ready in 290 M instructions instead of ~600 M for a",
  "  worker evaluating TypeScript. valgrind, Node processes of one cold build (esbuild's own process not",
  "  counted; plain esbuild 0.60 G): one module edited 1.03 G + 0.37 G in the child, against 1.77 G with the",
  "  worker; empty cache 1.03 G + 1.22 G, against 3.34 G. The empty cache stays above 1.5x: the child still",
  "  parses and compiles all 30 durable modules and their imports' summaries with TypeScript's parser (1.2 G),",
  "  and the build's own process is 1.01-1.03 G in every cold case, nothing changed included (unplugin's import",
  "  is 0.12 G of it): the floor any cold build with the plugin pays, 0.4 G over plain esbuild's.",
  "- **The parser.** `@swc/core`'s `parseSync` loads and parses a flow module in 124 M instructions against",
  "  TypeScript's 1,140 M (valgrind), but it is a 31 MB native package with a different AST and UTF-8 byte",
  "  offsets, and the compiler walks TypeScript's AST throughout: switching is a rewrite of `compiler/`, not",
  "  done here. With the cache, a build where nothing changed never loads TypeScript.",
  "- **Warm builds** pay esbuild's JS plugin round trip for each of the 300 modules: an `onLoad` that only",
  "  reads each file costs 1.0-1.3x by itself on this machine (the `onLoad floor` row). use-durable/esbuild goes",
  "  through unplugin's esbuild adapter (the project's rule: `transform.filter` and `esbuild.onLoadFilter`), whose",
  "  dispatcher reads every module asynchronously and runs the filters in JS: the `unplugin floor` row is that",
  "  cost alone, with our filters and no handler. Before this rule the plugin had its own synchronous load hook;",
  "  the difference between the two floor rows is what the rule costs, and the plugin adds its own work",
  "  (30 cache entries read and returned with their source maps) on top of the unplugin floor.",
  "- **Cold start**: Node's own start-up (40-170 ms depending on load) is most of use-durable's figure; by",
  "  instructions (valgrind, whole process of one cold invocation to its first checkpoint) use-durable is 202 M",
  "  against the official SDK's 892 M (0.23x), and a process importing an empty handler is 115 M: what is",
  "  use-durable's own is 87 M (it was 102 M before the runtime reached Node's built-ins through",
  "  process.getBuiltinModule instead of ESM imports, whose facades loaded util's diff and colour modules and",
  "  created process.stderr). Of the rest, node:crypto's load is ~15 M (HMAC for SigV4, MD5 for ids,",
  "  randomUUID for the ClientToken) and node:http's ~12 M. Under load the wall-time ratio rises toward 0.4x,",
  "  because the start-up both pay grows.",
  "- **Local engine** (issue 8; `bench/engine.ts`, 1,000 executions of 20 steps and a 1 s wait, handlers in",
  "  worker threads, one per core): the targets (every execution completes, >= 2,000 sustained steps/s,",
  "  p99 checkpoint < 10 ms) hold on an idle 2-core machine (3,277 sustained steps/s, p99 2.7 ms) and at",
  "  load 2-6 (12 of 14 runs >= 2,000, p99 3-7 ms); at load 6-12 the throughput falls to 1,300-1,900 steps/s",
  "  because a step costs the process 460-580 us of CPU and 2,000 steps/s needs a core to itself. Where that",
  "  CPU goes (perf, the engine's thread): checkpoint transactions 40% (a third writing WAL pages),",
  "  invocation starts, ends and timer firings 17% (folding them into the checkpoints' group commit was",
  "  measured slower: a start waits a turn for its commit), worker messages 6%; the workers' time is the",
  "  runtime (AsyncLocalStorage's promise hooks 15%).",
  "",
);

for (const { bench, figures, output, seconds, failed } of results) {
  lines.push(`## ${bench.title}`, "", `\`node ${bench.args.join(" ")}\` (${seconds.toFixed(0)} s)${failed ? ` **failed: ${failed}**` : ""}`, "");
  if (figures.length > 0) {
    lines.push("| Figure | Unit | Median | Min | Max | Runs | Ratio to anchor |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const f of figures) {
      const s = stats(f.samples);
      const r = ratio(f, bench.id);
      const anchor = r === undefined ? "anchor" in f && f.anchor ? "(anchor missing)" : "" : `${num(r)}x ${f.anchor!.replace(/^.*: /, "")}${f.target ? ` (target ${f.target})` : ""}`;
      lines.push(`| ${f.name} | ${f.unit} | ${num(s.median)} | ${num(s.min)} | ${num(s.max)} | ${s.runs} | ${anchor || (f.target ? `target ${f.target}` : "")} |`);
    }
    lines.push("");
  }
  lines.push("<details><summary>Output</summary>", "", "```", output.trimEnd().replaceAll(repo, "<repo>"), "```", "", "</details>", "");
}
// A partial run (--only) must not replace the published file.
const out = only ? join(repo, ".tmp", "BENCHMARKS.partial.md") : join(repo, "BENCHMARKS.md");
writeFileSync(out, `${lines.join("\n")}\n`);
console.log(`${out.replace(`${repo}/`, "")} written (${((Date.now() - started) / 60_000).toFixed(1)} minutes)`);
if (results.some((r) => r.failed)) process.exitCode = 1;
