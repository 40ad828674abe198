// Benchmark: what checkpoint round trips cost a handler, with a client that adds 5 ms to every call
// (the in-memory service of the tests, latencyMs = 5). Sequential steps that do I/O (a 1 ms timer) and
// short steps (no I/O), for the official SDK 2.4.0, use-durable (an at-least-once step's START is held
// and sent with its outcome: one request per step that ends within the hold), and use-durable with
// pipelinedCheckpoints (a step's SUCCEED is not awaited; requests are shared). Prints ms per step and
// requests per step, medians of `runs` runs alternating the variants (after one warm-up run each).
//
//   node --conditions=source bench/round-trips.ts [runs=7]

import * as official from "@aws/durable-execution-sdk-js";
import type { DurableContext } from "../runtime/index.ts";
import { withDurableExecution } from "../runtime/index.ts";
import { MemoryClient } from "../test/support/memory-client.ts";
import { describe, median, record } from "./report.ts";

const runs = Number(process.argv[2] ?? 7);
const LATENCY_MS = 5;
const lambdaContext = { awsRequestId: "bench", getRemainingTimeInMillis: () => 900_000 };

type Body = (event: unknown, ctx: DurableContext) => Promise<unknown>;
type Wrap = (body: Body, client: MemoryClient) => (event: unknown, c: unknown) => Promise<{ Status: string }>;
const variants: Record<string, Wrap> = {
  "official SDK 2.4.0": (body, client) => official.withDurableExecution(body as never, { durableExecutionClient: client } as never) as never,
  "use-durable": (body, client) => withDurableExecution(body, { durableExecutionClient: client }),
  "use-durable, pipelinedCheckpoints": (body, client) => withDurableExecution(body, { durableExecutionClient: client, pipelinedCheckpoints: true }),
};
const workloads: Record<string, { steps: number; body: (n: number) => Body }> = {
  "sequential steps with 1 ms of I/O": {
    steps: 40,
    body: (n) => async (_e, ctx) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await ctx.step(`io-${i}`, async () => (await new Promise((r) => setTimeout(r, 1)), 1));
      return sum;
    },
  },
  "sequential short steps (no I/O)": {
    steps: 500,
    body: (n) => async (_e, ctx) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await ctx.step(`s-${i}`, async () => 1);
      return sum;
    },
  },
};

async function once(wrap: Wrap, workload: { steps: number; body: (n: number) => Body }): Promise<{ ms: number; requests: number }> {
  const client = new MemoryClient({});
  client.latencyMs = LATENCY_MS;
  const handler = wrap(workload.body(workload.steps), client);
  const start = performance.now();
  const output = await handler(client.event(), lambdaContext);
  const ms = performance.now() - start;
  if (output.Status !== "SUCCEEDED") throw new Error(`run ended ${JSON.stringify(output)}`);
  return { ms, requests: client.requests.length };
}

console.log(`checkpoint round trips with ${LATENCY_MS} ms per call; node ${process.version}; ${runs} runs each, alternating`);
for (const [label, workload] of Object.entries(workloads)) {
  const results = new Map<string, { ms: number[]; requests: number[] }>(Object.keys(variants).map((v) => [v, { ms: [], requests: [] }]));
  for (const wrap of Object.values(variants)) await once(wrap, workload);
  const names = Object.keys(variants);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      const { ms, requests } = await once(variants[name]!, workload);
      results.get(name)!.ms.push(ms / workload.steps);
      results.get(name)!.requests.push(requests / workload.steps);
    }
  }
  console.log(`${label} (${workload.steps} steps):`);
  const anchor = results.get("official SDK 2.4.0")!;
  for (const [name, { ms, requests }] of results) {
    console.log(`  ${name.padEnd(36)} ${describe(ms, "ms/step", 2)}  ${(median(ms) / median(anchor.ms)).toFixed(2)}x   requests/step ${median(requests).toFixed(3)}`);
    const base = `${label}: ${name}`;
    const anchored = name === "official SDK 2.4.0" ? {} : { anchor: `${label}: official SDK 2.4.0` };
    record({ bench: "round-trips", name: base, unit: "ms/step", samples: ms, ...anchored });
    record({ bench: "round-trips", name: `${base} (requests per step)`, unit: "requests/step", samples: requests, ...(name === "official SDK 2.4.0" ? {} : { anchor: `${label}: official SDK 2.4.0 (requests per step)` }) });
  }
}
