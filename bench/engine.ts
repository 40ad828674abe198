// Benchmark: the engine under 1,000 concurrent executions, each 20 steps and a one-second wait (real
// time), and the same workload on AWS's emulator (@aws/durable-execution-sdk-js-testing) in the same run
// for a ratio. Prints, per backend: completed executions per second, checkpointed steps per second
// (from the run's start, worker start-up included, and sustained: first step to last), step latency
// p50 / p99 as the handler sees it (await ctx.step, one checkpoint round trip each), the engine's own
// time per checkpoint request and requests per commit, peak memory, and CPU time per step (the
// engine's thread and the whole process: the figures that hold when other work loads the machine).
// Targets: every execution completes; >= 2,000 checkpointed steps/s sustained; p99 step checkpoint
// latency < 10 ms.
//
//   npm run bench:engine -- [executions=1000] [--no-aws] [--in-process]
//   (BENCH_WORKERS sets the function's concurrency, i.e. worker threads; default one per core: with
//   1,000 executions queued, more in flight than cores only queues steps for the CPU (on 2 cores at
//   load 10, 2 workers gave +20-45% sustained steps/s and half the p99 of 4). BENCH_DB=:memory:
//   leaves the disk out.)
//
// Backends: "engine, workers" (the default: bundles in worker threads, the MessagePort client),
// "engine, in-process" (handlers in this thread, as AWS's emulator runs them), "AWS's emulator".

import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { createEngine } from "../engine/index.ts";

const loadAtStart = loadavg()[0]!;
const executions = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
const STEPS = 20;
const WAIT_SECONDS = 1;
const dir = join(import.meta.dirname, "..", ".tmp", "bench-engine");
mkdirSync(dir, { recursive: true });

// Steps report how long each await took (only when the step really ran, not on replay) over a
// BroadcastChannel, which reaches this thread from the engine's worker threads too.
writeFileSync(
  join(dir, "handler.ts"),
  `import { withDurableExecution } from "use-durable";
  const channel = new BroadcastChannel("bench-engine-steps");
  export const handler = withDurableExecution(async (event, ctx) => {
    const latencies = [];
    let first;
    for (let i = 0; i < ${STEPS}; i++) {
      let ran = false;
      const started = performance.now();
      first ??= performance.timeOrigin + started;
      await ctx.step(\`s\${i}\`, async () => { ran = true; return i; });
      if (ran) latencies.push(performance.now() - started);
    }
    if (latencies.length) channel.postMessage({ latencies, first, at: performance.timeOrigin + performance.now() });
    await ctx.wait("pause", { seconds: ${WAIT_SECONDS} });
    return "done";
  });
  export const close = () => channel.close();`,
);
const bundle = join(dir, "handler.mjs");
await build({ entryPoints: [join(dir, "handler.ts")], outfile: bundle, bundle: true, platform: "node", format: "esm", target: "node22", conditions: ["source"], external: ["@aws-sdk/*"], logLevel: "warning" });

interface Figures {
  backend: string;
  completed: number;
  seconds: number;
  /** Steps per second from the run's start (engine start-up, worker threads starting included). */
  stepsPerSecond: number;
  /** Steps per second from the first step to the last: the sustained rate the target is about. */
  sustained: number;
  p50: number;
  p99: number;
  checkpointMs?: number;
  /** Checkpoint requests per engine transaction (group commit). */
  perCommit?: number;
  peakRssMb: number;
  /** CPU time per checkpointed step (µs): this thread (the engine's), and the whole process. */
  mainCpuUs: number;
  totalCpuUs: number;
}

/** This thread's CPU time in µs (Linux: /proc/thread-self/stat, clock ticks of 10 ms), else NaN. */
function threadCpuUs(): number {
  try {
    const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function measure(backend: string, run: () => Promise<number>, checkpointMs?: () => number): Promise<Figures> {
  const latencies: number[] = [];
  let lastStep = 0;
  let firstStep = Infinity;
  const channel = new BroadcastChannel("bench-engine-steps");
  channel.onmessage = (message: { data: { latencies: number[]; first: number; at: number } }) => {
    latencies.push(...message.data.latencies);
    firstStep = Math.min(firstStep, message.data.first);
    lastStep = Math.max(lastStep, message.data.at);
  };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.timeOrigin + performance.now();
  const [main0, total0] = [threadCpuUs(), process.cpuUsage()];
  const completed = await run();
  const [mainCpu, totalCpu] = [threadCpuUs() - main0, process.cpuUsage(total0)];
  const seconds = (performance.timeOrigin + performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 100)); // the last latency messages
  clearInterval(sampler);
  channel.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    backend,
    completed,
    seconds,
    stepsPerSecond: latencies.length / ((lastStep - started) / 1000),
    sustained: latencies.length / ((lastStep - firstStep) / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ...(checkpointMs ? { checkpointMs: checkpointMs() } : {}),
    peakRssMb: peak / 1024 / 1024,
    mainCpuUs: mainCpu / latencies.length,
    totalCpuUs: (totalCpu.user + totalCpu.system) / latencies.length,
  };
}

async function onEngine(mode: "workers" | "in-process"): Promise<Figures> {
  const database = process.env.BENCH_DB ?? join(dir, `bench-${mode}-${process.pid}.db`);
  const engine = await createEngine({ database });
  // The engine's own time per checkpoint request (its transaction and reply), summed here; worker
  // checkpoints arrive in groups committed together.
  let checkpointTime = 0;
  let checkpoints = 0;
  let commits = 0;
  const timed = <A extends any[], R>(fn: (...args: A) => R, count: (...args: A) => number) => (...args: A): R => {
    const t = performance.now();
    try {
      return fn(...args);
    } finally {
      checkpointTime += performance.now() - t;
      checkpoints += count(...args);
      commits++;
    }
  };
  // Every transaction the engine commits (group commits and single commands alike).
  let transactions = 0;
  const transaction = engine.store.transaction.bind(engine.store);
  engine.store.transaction = (fn) => (transactions++, transaction(fn));
  engine.service.checkpoint = timed(engine.service.checkpoint.bind(engine.service), (_request) => 1);
  engine.service.checkpointGroup = timed(engine.service.checkpointGroup.bind(engine.service), (requests) => requests.length);
  if (mode === "workers") engine.register("bench", { bundle }, { concurrency: Number(process.env.BENCH_WORKERS ?? availableParallelism()) });
  else engine.register("bench", { handler: ((await import(pathToFileURL(bundle).href)) as { handler: never }).handler }, { concurrency: executions });
  const figures = await measure(
    `engine, ${mode}`,
    async () => {
      const arns = Array.from({ length: executions }, (_, i) => engine.start("bench", { payload: { i } }).arn);
      const done = await Promise.all(arns.map((arn) => engine.waitFor(arn)));
      return done.filter((e) => e.Status === "SUCCEEDED" && e.Result === '"done"').length;
    },
    () => checkpointTime / checkpoints,
  );
  figures.perCommit = checkpoints / commits;
  console.log(`transactions per checkpointed step: ${(transactions / (executions * STEPS)).toFixed(3)}`);
  await engine.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${database}${suffix}`, { force: true });
  return figures;
}

async function onAwsEmulator(): Promise<Figures> {
  const { LocalDurableTestRunner } = await import("@aws/durable-execution-sdk-js-testing");
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: never };
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
  try {
    return await measure("AWS's emulator", async () => {
      const results = await Promise.all(Array.from({ length: executions }, (_, i) => new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: { i } })));
      return results.filter((r) => r.getStatus() === "SUCCEEDED").length;
    });
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment();
  }
}

const results: Figures[] = [await onEngine("workers")];
if (process.argv.includes("--in-process") || !process.argv.includes("--no-aws")) results.push(await onEngine("in-process"));
if (!process.argv.includes("--no-aws")) results.push(await onAwsEmulator());

console.log(
  `${executions} executions x ${STEPS} steps + a ${WAIT_SECONDS} s wait, Node ${process.versions.node}, ${availableParallelism()} cores, ` +
    `${process.env.BENCH_WORKERS ?? availableParallelism()} workers, load ${loadAtStart.toFixed(2)} at the start\n`,
);
console.log(
  ["backend".padEnd(20), "done".padStart(6), "wall s".padStart(8), "exec/s".padStart(8), "steps/s".padStart(9), "sustained".padStart(10), "p50 ms".padStart(8), "p99 ms".padStart(8), "engine ms/ckpt".padStart(15), "ckpt/commit".padStart(12), "peak RSS MB".padStart(12), "CPU us/step main/all".padStart(22)].join(""),
);
for (const f of results) {
  console.log(
    [
      f.backend.padEnd(20),
      String(f.completed).padStart(6),
      f.seconds.toFixed(2).padStart(8),
      (f.completed / f.seconds).toFixed(0).padStart(8),
      f.stepsPerSecond.toFixed(0).padStart(9),
      f.sustained.toFixed(0).padStart(10),
      f.p50.toFixed(2).padStart(8),
      f.p99.toFixed(2).padStart(8),
      (f.checkpointMs === undefined ? "-" : f.checkpointMs.toFixed(3)).padStart(15),
      (f.perCommit === undefined ? "-" : f.perCommit.toFixed(2)).padStart(12),
      f.peakRssMb.toFixed(0).padStart(12),
      `${f.mainCpuUs.toFixed(0)} / ${f.totalCpuUs.toFixed(0)}`.padStart(22),
    ].join(""),
  );
}
const aws = results.find((f) => f.backend === "AWS's emulator");
const inProcess = results.find((f) => f.backend === "engine, in-process");
if (aws && inProcess) {
  console.log(`\nengine (in-process) vs AWS's emulator: ${(inProcess.completed / inProcess.seconds / (aws.completed / aws.seconds)).toFixed(1)}x executions/s, ${(inProcess.stepsPerSecond / aws.stepsPerSecond).toFixed(1)}x steps/s`);
}
const engine = results[0]!;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
((await import(pathToFileURL(bundle).href)) as { close(): void }).close(); // its BroadcastChannel, opened in this thread by the in-process runs
console.log(
  `targets (engine, workers): all complete ${verdict(engine.completed === executions)}; >= 2,000 steps/s sustained ${verdict(engine.sustained >= 2000)}; p99 < 10 ms ${verdict(engine.p99 < 10)}`,
);
