// Benchmark: a Lambda cold start to the first checkpoint. Each run is a fresh Node process that
// imports a bundled handler (esbuild, ESM, @aws-sdk/* external, as the README deploys it) and invokes
// it once with a first invocation's event, the way Lambda's runtime does; the figure is the time from
// the process's start (performance.timeOrigin) to the first checkpoint request reaching a loopback
// server (test/support/fixture-server.ts over the in-memory service), which the default client finds
// through AWS_ENDPOINT_URL_LAMBDA, with credentials and region from the environment as in Lambda.
// Plain HTTP on loopback: a real endpoint adds the same TLS handshake to every variant.
//
// Variants, alternating in rotating order each round:
//   official SDK 2.4.0          its default client (@aws-sdk/client-lambda, loaded on first use)
//   use-durable                 the default client (runtime/protocol/signed-client.ts once issue 14 landed)
//   use-durable + LambdaClient  `client: new LambdaClient({})` passed in the config
// and a breakdown of where the @aws-sdk/client-lambda path spends the time (module import, client
// construction, endpoint resolution + serialisation, credentials + signing, connection), from a probe
// process that times the middleware steps of its first send.
//
//   node bench/cold-start.ts [rounds=9]

import { build } from "esbuild";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startFixtureServer } from "../test/support/fixture-server.ts";
import { MemoryClient } from "../test/support/memory-client.ts";
import { describe, median, record } from "./report.ts";

const repo = resolve(fileURLToPath(import.meta.url), "../..");
const rounds = Number(process.argv[2] ?? 9);
const dir = join(repo, ".tmp", `bench-cold-start-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const body = `async (event, ctx) => {
  const n = await ctx.step("first", async () => 1);
  return { n };
}`;
const sources = {
  "official SDK 2.4.0": `import { withDurableExecution } from "@aws/durable-execution-sdk-js";\nexport const handler = withDurableExecution(${body});\n`,
  "use-durable": `import { withDurableExecution } from "use-durable";\nexport const handler = withDurableExecution(${body});\n`,
  "use-durable + LambdaClient": `import { LambdaClient } from "@aws-sdk/client-lambda";\nimport { withDurableExecution } from "use-durable";\nexport const handler = withDurableExecution(${body}, { client: new LambdaClient({}) });\n`,
} as const;
type Variant = keyof typeof sources;
const variants = Object.keys(sources) as Variant[];

const bundles = new Map<Variant, string>();
for (const [i, variant] of variants.entries()) {
  const entry = join(dir, `handler-${i}.ts`);
  writeFileSync(entry, sources[variant]);
  const outfile = join(dir, `handler-${i}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    conditions: ["source"],
    external: ["@aws-sdk/*"],
    alias: { "use-durable": join(repo, "runtime/index.ts") },
    logLevel: "silent",
  });
  bundles.set(variant, outfile);
}
// The bundle sits in .tmp/ of this repository, so `@aws-sdk/client-lambda` resolves from its node_modules
// as it resolves from the Lambda runtime's.

// Lambda's runtime: import the handler module, then invoke it.
const runner = join(dir, "runner.mjs");
writeFileSync(
  runner,
  `const started = performance.now();
const { handler } = await import(process.argv[2]);
const imported = performance.now();
const context = { awsRequestId: "cold-start", functionName: "bench", getRemainingTimeInMillis: () => 900000 };
const output = await handler(JSON.parse(process.env.BENCH_EVENT), context);
console.log(JSON.stringify({ origin: performance.timeOrigin, started, imported, done: performance.now(), status: output.Status }));
`,
);

const probe = join(dir, "probe.mjs");
writeFileSync(
  probe,
  `const t = (performance.now());
const m = await import("@aws-sdk/client-lambda");
const imported = performance.now();
const client = new m.LambdaClient({});
const constructed = performance.now();
const marks = {};
const mark = (name) => (next) => async (args) => { marks[name] ??= performance.now(); return next(args); };
client.middlewareStack.add(mark("initialize"), { step: "initialize", priority: "high" });
client.middlewareStack.add(mark("serialized"), { step: "build", priority: "high" });
client.middlewareStack.add(mark("signed"), { step: "deserialize", priority: "low" });
const sent = performance.now();
await client.send(new m.CheckpointDurableExecutionCommand(JSON.parse(process.env.BENCH_REQUEST)));
console.log(JSON.stringify({ origin: performance.timeOrigin, start: t, imported, constructed, sent, ...marks }));
`,
);

const service = new MemoryClient({});
const server = await startFixtureServer(service);
// Asynchronous: the server answering the child lives in this process.
const run = async (args: string[], extra: Record<string, string>): Promise<string> =>
  (await promisify(execFile)(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...env, ...extra } })).stdout;
const env: Record<string, string | undefined> = {
  ...process.env,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "session-token-example",
  AWS_ENDPOINT_URL_LAMBDA: server.url,
  AWS_LAMBDA_FUNCTION_NAME: "bench",
};
delete env.AWS_PROFILE;

interface ColdRun {
  firstCheckpoint: number;
  /** Node's own start-up: process start to the first line of the runner. */
  node: number;
  /** Importing the handler's bundle (the SDK too, where it imports it at the top). */
  imported: number;
}
async function coldRun(variant: Variant): Promise<ColdRun> {
  server.service = new MemoryClient({});
  server.requests.length = 0;
  const out = await run([runner, bundles.get(variant)!], { BENCH_EVENT: JSON.stringify(server.service.event()) });
  const child = JSON.parse(out) as { origin: number; started: number; imported: number; status: string };
  const first = server.requests.find((r) => r.method === "POST");
  if (first === undefined) throw new Error(`${variant}: no checkpoint reached the server (status ${child.status})`);
  return { firstCheckpoint: first.at - child.origin, node: child.started, imported: child.imported - child.started };
}

interface ProbeMarks {
  origin: number;
  start: number;
  imported: number;
  constructed: number;
  sent: number;
  initialize: number;
  serialized: number;
  signed: number;
}
async function probeRun(): Promise<Record<string, number>> {
  server.service = new MemoryClient({});
  server.requests.length = 0;
  const event = server.service.event();
  const request = { DurableExecutionArn: event.DurableExecutionArn, CheckpointToken: event.CheckpointToken, Updates: [] };
  const out = await run([probe], { BENCH_REQUEST: JSON.stringify(request) });
  const m = JSON.parse(out) as ProbeMarks;
  const arrived = server.requests[0]!.at - m.origin;
  return {
    "import @aws-sdk/client-lambda": m.imported - m.start,
    "new LambdaClient({})": m.constructed - m.imported,
    "send() to the initialize step": m.initialize - m.sent,
    "endpoint resolution, credentials, serialisation": m.serialized - m.initialize,
    "signing (and retry set-up)": m.signed - m.serialized,
    "connection and transfer to the server": arrived - m.signed,
  };
}

const samples = new Map<Variant, number[]>(variants.map((v) => [v, []]));
const parts = new Map<Variant, ColdRun[]>(variants.map((v) => [v, []]));
const probeSamples = new Map<string, number[]>();
await coldRun("use-durable"); // warms the OS file cache; not counted
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[(i + round) % variants.length]!;
    const run = await coldRun(variant);
    samples.get(variant)!.push(run.firstCheckpoint);
    parts.get(variant)!.push(run);
  }
  for (const [phase, ms] of Object.entries(await probeRun())) probeSamples.set(phase, [...(probeSamples.get(phase) ?? []), ms]);
}
await server.close();

const anchor = samples.get("official SDK 2.4.0")!;
console.log(`cold start to the first checkpoint (process start -> request at a loopback server), node ${process.version}, ${rounds} rounds:`);
for (const variant of variants) {
  const xs = samples.get(variant)!;
  const p = parts.get(variant)!;
  const node = median(p.map((r) => r.node));
  const imported = median(p.map((r) => r.imported));
  console.log(
    `  ${variant.padEnd(28)} ${describe(xs)}  ${(median(xs) / median(anchor)).toFixed(2)}x` +
      `   (medians: Node start-up ${node.toFixed(0)} ms, handler import ${imported.toFixed(0)} ms, import to checkpoint ${median(p.map((r) => r.firstCheckpoint - r.node - r.imported)).toFixed(0)} ms)`,
  );
  record({
    bench: "cold-start",
    name: `first checkpoint: ${variant}`,
    unit: "ms",
    samples: xs,
    ...(variant === "official SDK 2.4.0" ? {} : { anchor: "first checkpoint: official SDK 2.4.0", target: variant === "use-durable" ? "<= 0.33x" : undefined }),
  });
}
console.log(`where @aws-sdk/client-lambda's first checkpoint spends its time (a probe process, medians of ${rounds}):`);
for (const [phase, xs] of probeSamples) {
  console.log(`  ${phase.padEnd(50)} ${describe(xs)}`);
  record({ bench: "cold-start", name: `@aws-sdk/client-lambda first send: ${phase}`, unit: "ms", samples: xs });
}
