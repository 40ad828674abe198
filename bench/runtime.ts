// Benchmark: the runtime's per-step cost and replay cost against an in-memory service (the
// test suite's MemoryClient), in one process. Prints, for N = 1,000 and 10,000:
//   - fresh: one invocation running N sequential steps (every step checkpointed) -> ms per step
//   - replay: one invocation replaying N completed steps (no checkpoints) -> total ms and ms per step
// Each figure is the median of `runs` runs after warm-up runs (three at 1,000 steps, one at 10,000), the
// SDKs alternating. Targets: <= 0.05 ms per step at both
// sizes, and replay linear in N (the 10k/1k replay ratio near 10). `--official` measures
// @aws/durable-execution-sdk-js the same way for comparison.
//
//   npx node --conditions=source bench/runtime.ts [runs=5] [--official]

import * as official from "@aws/durable-execution-sdk-js";
import { withDurableExecution } from "../runtime/index.ts";
import type { DurableContext } from "../runtime/index.ts";
import { MemoryClient } from "../test/support/memory-client.ts";
import { record } from "./report.ts";

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const withOfficial = process.argv.includes("--official");
const lambdaContext = { awsRequestId: "bench", getRemainingTimeInMillis: () => 900_000 };

type Wrap = (body: (event: unknown, ctx: DurableContext) => Promise<unknown>, client: MemoryClient) => (event: unknown, c: unknown) => Promise<{ Status: string }>;

const wrappers: Record<string, Wrap> = {
  "use-durable": (body, client) => withDurableExecution(body, { durableExecutionClient: client }),
  ...(withOfficial
    ? { "official SDK 2.4.0": ((body, client) => official.withDurableExecution(body as never, { durableExecutionClient: client } as never)) as Wrap }
    : {}),
};

const steps = (n: number) => async (_event: unknown, ctx: DurableContext) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ctx.step(async () => 1);
  return sum;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function fresh(wrap: Wrap, n: number): Promise<{ ms: number; client: MemoryClient }> {
  const client = new MemoryClient({});
  const handler = wrap(steps(n), client);
  const start = performance.now();
  const output = await handler(client.event(), lambdaContext);
  const ms = performance.now() - start;
  if (output.Status !== "SUCCEEDED") throw new Error(`fresh run ended ${JSON.stringify(output)}`);
  return { ms, client };
}

async function replay(wrap: Wrap, n: number, recorded: MemoryClient): Promise<number> {
  const handler = wrap(steps(n), recorded);
  const event = recorded.event();
  const sent = recorded.requests.length;
  const start = performance.now();
  const output = await handler(event, lambdaContext);
  const ms = performance.now() - start;
  if (output.Status !== "SUCCEEDED") throw new Error(`replay ended ${JSON.stringify(output)}`);
  if (recorded.requests.length !== sent) throw new Error("replay sent checkpoints");
  return ms;
}

const fmt = (ms: number, digits = 4) => ms.toFixed(digits);
console.log(`runtime bench: node ${process.version}, median of ${runs} runs after warm-up runs, the SDKs alternating`);
const labels = Object.keys(wrappers);
const replayByN: Record<string, Record<number, number>> = {};
for (const n of [1_000, 10_000]) {
  // Let the JIT settle (one run of 10,000 steps is enough, and the official SDK's takes seconds).
  for (const wrap of Object.values(wrappers)) for (let w = 0; w < (n > 1_000 ? 1 : 3); w++) await fresh(wrap, n);
  const freshTimes = new Map<string, number[]>(labels.map((l) => [l, []]));
  const replayTimes = new Map<string, number[]>(labels.map((l) => [l, []]));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(i + r) % labels.length]!;
      const { ms, client } = await fresh(wrappers[label]!, n);
      freshTimes.get(label)!.push(ms);
      replayTimes.get(label)!.push(await replay(wrappers[label]!, n, client));
    }
  }
  for (const label of labels) {
    const f = freshTimes.get(label)!;
    const rp = replayTimes.get(label)!;
    (replayByN[label] ??= {})[n] = median(rp);
    const anchored = (name: string) => (label === "use-durable" && withOfficial ? { anchor: name.replace("use-durable", "official SDK 2.4.0") } : {});
    const freshName = `fresh run, ${n} sequential steps: ${label}`;
    record({ bench: "runtime", name: freshName, unit: "ms/step", samples: f.map((t) => t / n), ...anchored(freshName) });
    const replayName = `replay of ${n} completed steps: ${label}`;
    record({ bench: "runtime", name: replayName, unit: "ms", samples: rp, ...anchored(replayName) });
    console.log(
      `${label.padEnd(20)} N=${String(n).padStart(6)}  fresh ${fmt(median(f) / n)} ms/step (${fmt(median(f), 1)} ms)` +
        `  replay ${fmt(median(rp), 1)} ms (${fmt(median(rp) / n)} ms/step)`,
    );
  }
}
for (const label of labels) {
  console.log(`${label.padEnd(20)} replay 10k/1k ratio ${(replayByN[label]![10_000]! / replayByN[label]![1_000]!).toFixed(1)} (linear = 10)`);
}
