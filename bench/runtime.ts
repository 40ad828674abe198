// Benchmark: the runtime's per-step cost and replay cost against an in-memory service (the
// test suite's MemoryClient), in one process. Prints, for N = 1,000 and 10,000:
//   - fresh: one invocation running N sequential steps (every step checkpointed) -> ms per step
//   - replay: one invocation replaying N completed steps (no checkpoints) -> total ms and ms per step
// Each figure is the median of `runs` runs after three warm-up runs. Targets: <= 0.05 ms per step at both
// sizes, and replay linear in N (the 10k/1k replay ratio near 10). `--official` measures
// @aws/durable-execution-sdk-js the same way for comparison.
//
//   npx node --conditions=source bench/runtime.ts [runs=5] [--official]

import * as official from "@aws/durable-execution-sdk-js";
import { withDurableExecution } from "../runtime/index.ts";
import type { DurableContext } from "../runtime/index.ts";
import { MemoryClient } from "../test/support/memory-client.ts";

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
console.log(`runtime bench: node ${process.version}, median of ${runs} runs after 3 warm-up runs`);
for (const [label, wrap] of Object.entries(wrappers)) {
  const replayByN: Record<number, number> = {};
  for (const n of [1_000, 10_000]) {
    for (let w = 0; w < 3; w++) await fresh(wrap, n); // warm-up: let the JIT settle before measuring
    const freshTimes: number[] = [];
    const replayTimes: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { ms, client } = await fresh(wrap, n);
      freshTimes.push(ms);
      replayTimes.push(await replay(wrap, n, client));
    }
    replayByN[n] = median(replayTimes);
    console.log(
      `${label.padEnd(20)} N=${String(n).padStart(6)}  fresh ${fmt(median(freshTimes) / n)} ms/step (${fmt(median(freshTimes), 1)} ms)` +
        `  replay ${fmt(median(replayTimes), 1)} ms (${fmt(median(replayTimes) / n)} ms/step)`,
    );
  }
  console.log(`${label.padEnd(20)} replay 10k/1k ratio ${(replayByN[10_000]! / replayByN[1_000]!).toFixed(1)} (linear = 10)`);
}
