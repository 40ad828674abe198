// Benchmark: map throughput against an in-memory service (the test suite's MemoryClient), in one
// process. For N = 1,000 and 10,000 items at maxConcurrency 10, each item one step, it prints:
//   - fresh: one invocation running the whole map (every item context and step checkpointed)
//     -> total ms and ms per item
//   - replay: one invocation replaying the finished map -> total ms (1,000 results come back from
//     the Map payload; 10,000 are over 256 KiB, so the summary path re-drives each item's record)
// Each figure is the median of `runs` runs (the SDKs alternating) after warm-up runs (two at 1,000 items,
// one at 10,000). `--official` measures
// @aws/durable-execution-sdk-js 2.4.0 the same way.
//
//   npx node --conditions=source bench/ops-map.ts [runs=5] [--official]

import * as official from "@aws/durable-execution-sdk-js";
import { withDurableExecution } from "../runtime/index.ts";
import type { DurableContext } from "../runtime/index.ts";
import { MemoryClient } from "../test/support/memory-client.ts";
import { record } from "./report.ts";

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const withOfficial = process.argv.includes("--official");
const lambdaContext = { awsRequestId: "bench", getRemainingTimeInMillis: () => 900_000 };

type Body = (event: unknown, ctx: DurableContext) => Promise<unknown>;
type Wrap = (body: Body, client: MemoryClient) => (event: unknown, c: unknown) => Promise<{ Status: string }>;

const wrappers: Record<string, Wrap> = {
  "use-durable": (body, client) => withDurableExecution(body, { durableExecutionClient: client }),
  ...(withOfficial
    ? { "official SDK 2.4.0": ((body, client) => official.withDurableExecution(body as never, { durableExecutionClient: client } as never)) as Wrap }
    : {}),
};

const mapBody = (n: number): Body => async (_event, ctx) => {
  const items = Array.from({ length: n }, (_, i) => i);
  const result = await ctx.map("bench", items, async (c, i: number) => c.step(async () => i), { maxConcurrency: 10 });
  return result.successCount;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function once(wrap: Wrap, n: number): Promise<{ fresh: number; replay: number; path: string }> {
  const client = new MemoryClient({});
  let start = performance.now();
  let output = await wrap(mapBody(n), client)(client.event(), lambdaContext);
  const fresh = performance.now() - start;
  if (output.Status !== "SUCCEEDED") throw new Error(`fresh run ended ${JSON.stringify(output)}`);
  const sent = client.requests.length;
  start = performance.now();
  output = await wrap(mapBody(n), client)(client.event(), lambdaContext);
  const replay = performance.now() - start;
  if (output.Status !== "SUCCEEDED") throw new Error(`replay ended ${JSON.stringify(output)}`);
  if (client.requests.length !== sent) throw new Error("the replay sent checkpoints");
  const mapOp = [...client.operations.values()].find((o) => o.SubType === "Map");
  return { fresh, replay, path: mapOp?.ContextDetails?.ReplayChildren ? "summary" : "payload" };
}

console.log(`map at maxConcurrency 10, one step per item; median of ${runs} runs, the SDKs alternating (node ${process.version})`);
const labels = Object.keys(wrappers);
for (const n of [1_000, 10_000]) {
  for (const wrap of Object.values(wrappers)) for (let i = 0; i < (n > 1_000 ? 1 : 2); i++) await once(wrap, n);
  const samples = new Map<string, Array<{ fresh: number; replay: number; path: string }>>(labels.map((l) => [l, []]));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(i + r) % labels.length]!;
      samples.get(label)!.push(await once(wrappers[label]!, n));
    }
  }
  for (const label of labels) {
    const xs = samples.get(label)!;
    const fresh = median(xs.map((s) => s.fresh));
    const replay = median(xs.map((s) => s.replay));
    const path = xs[0]!.path;
    const anchored = (name: string) => (label === "use-durable" && withOfficial ? { anchor: name.replace("use-durable", "official SDK 2.4.0") } : {});
    const freshName = `map of ${n} items, fresh: ${label}`;
    record({ bench: "map", name: freshName, unit: "ms", samples: xs.map((x) => x.fresh), ...anchored(freshName) });
    const replayName = `map of ${n} items, replay: ${label}`;
    record({ bench: "map", name: replayName, unit: "ms", samples: xs.map((x) => x.replay), ...anchored(replayName) });
    console.log(
      `${label.padEnd(18)} N=${String(n).padStart(6)} (${path}): fresh ${fresh.toFixed(0).padStart(6)} ms = ${(fresh / n).toFixed(3)} ms/item; replay ${replay.toFixed(0).padStart(5)} ms`,
    );
  }
}
