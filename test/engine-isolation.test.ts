/**
 * Bundles run isolated in worker threads: a handler that throws, one that calls process.exit(1),
 * one that never returns, each retried with backoff (skipped) and then failed with a clear reason,
 * while the engine keeps serving another function; a flaky one recovers on its retry; the runtime's
 * default client reaches the engine over HTTP from AWS_ENDPOINT_URL_LAMBDA; re-registering a name
 * with a new build replays executions in flight on the new code.
 */
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createEngine, type Engine } from "../engine/index.ts";

const dir = join(import.meta.dirname, "..", ".tmp", `engine-isolation-${process.pid}`);
let engine: Engine;

const sources: Record<string, string> = {
  good: `export const handler = withDurableExecution(async (e, ctx) => { const a = await ctx.step("a", async () => e.n + 1); await ctx.wait("w", { hours: 3 }); return ctx.step("b", async () => a * 2); });`,
  throws: `export const handler = async () => { throw new TypeError("config missing"); };`,
  exits: `export const handler = async () => { process.exit(1); };`,
  hangs: `export const handler = () => new Promise(() => {});`,
  flaky: `import { existsSync, writeFileSync } from "node:fs";
    export const handler = withDurableExecution(async (e, ctx) => {
      if (!existsSync(e.marker)) { writeFileSync(e.marker, "1"); process.exit(3); }
      return ctx.step("ok", async () => "recovered");
    });`,
  viaHttp: `export const handler = withDurableExecution(async (e, ctx) => { const x = await ctx.step("x", async () => process.env.AWS_ENDPOINT_URL_LAMBDA ? "http" : "none"); await ctx.wait("w", { seconds: 5 }); return x; });`,
  v1: `export const handler = withDurableExecution(async (e, ctx) => { await ctx.step("reserve", async () => 1); await ctx.wait("w", { hours: 1 }); return "v1"; });`,
  v2: `export const handler = withDurableExecution(async (e, ctx) => { await ctx.step("charge", async () => 1); await ctx.wait("w", { hours: 1 }); return "v2"; });`,
};

async function bundle(name: string): Promise<string> {
  const source = join(dir, `${name}.ts`);
  writeFileSync(source, `import { withDurableExecution } from "use-durable";\n${sources[name]}\n`);
  const outfile = join(dir, `${name}.mjs`);
  await build({ entryPoints: [source], outfile, bundle: true, platform: "node", format: "esm", target: "node22", conditions: ["source"], external: ["@aws-sdk/*"], logLevel: "silent" });
  return outfile;
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  engine = await createEngine({ database: ":memory:", clock: "skip" });
  for (const name of ["good", "throws", "exits", "flaky"]) engine.register(name, { bundle: await bundle(name) });
  engine.register("hangs", { bundle: await bundle("hangs") }, { timeoutSeconds: 0.5 });
  engine.register("viaHttp", { bundle: await bundle("viaHttp") }, { transport: "http" });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const invocationErrors = (arn: string) =>
  engine.service.getHistory({ DurableExecutionArn: arn }).Events.filter((e) => e.EventType === "InvocationCompleted").map((e) => (e.InvocationCompletedDetails as { Error?: { Payload?: { ErrorType?: string } } }).Error?.Payload?.ErrorType);

test("a handler that throws, exits or never returns is retried, then fails with the reason; the engine keeps serving", async () => {
  const runs = ["throws", "exits", "hangs", "good"].map((name) => engine.start(name, { payload: { n: 20 } }).arn);
  const [threw, exited, hung, good] = await Promise.all(runs.map((arn) => engine.waitFor(arn)));
  expect(threw).toMatchObject({ Status: "FAILED", Error: { ErrorType: "TypeError", ErrorMessage: "Invocation failed 3 times in a row: config missing" } });
  expect(exited).toMatchObject({ Status: "FAILED", Error: { ErrorType: "Runtime.ExitError", ErrorMessage: "Invocation failed 3 times in a row: Runtime exited with error: exit status 1" } });
  expect(hung).toMatchObject({ Status: "FAILED", Error: { ErrorType: "Sandbox.Timedout", ErrorMessage: "Invocation failed 3 times in a row: Task timed out after 0.50 seconds" } });
  expect(good).toMatchObject({ Status: "SUCCEEDED", Result: "42" });
  expect(invocationErrors(runs[1]!)).toEqual(["Runtime.ExitError", "Runtime.ExitError", "Runtime.ExitError"]);
  // Backoff between the attempts is a timer too: skipped, but recorded in virtual time.
  const events = engine.service.getHistory({ DurableExecutionArn: runs[0]! }).Events;
  const times = events.filter((e) => e.EventType === "InvocationCompleted").map((e) => e.EventTimestamp);
  expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(2000);
  // Still serving afterwards.
  expect(await engine.waitFor(engine.start("good", { payload: { n: 1 } }).arn)).toMatchObject({ Status: "SUCCEEDED", Result: "4" });
});

test("a worker that exits once costs one invocation: the retry succeeds", async () => {
  const { arn } = engine.start("flaky", { payload: { marker: join(dir, "flaky-marker") } });
  expect(await engine.waitFor(arn)).toMatchObject({ Status: "SUCCEEDED", Result: '"recovered"' });
  expect(invocationErrors(arn)).toEqual(["Runtime.ExitError", undefined]);
});

test("with the HTTP transport the bundle's runtime uses @aws-sdk/client-lambda and AWS_ENDPOINT_URL_LAMBDA", async () => {
  const { arn } = engine.start("viaHttp");
  expect(await engine.waitFor(arn)).toMatchObject({ Status: "SUCCEEDED", Result: '"http"' });
  expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test("re-registering a function deploys new code: an execution in flight replays on it and fails as non-deterministic", async () => {
  const [v1, v2] = [await bundle("v1"), await bundle("v2")];
  // Hand-written manifests, as a build writes them: operation name -> file:line:col.
  const manifest = (name: string, site: string) => {
    const file = join(dir, `${name}.manifest.json`);
    writeFileSync(file, JSON.stringify({ version: 1, modules: [{ names: { [name]: site } }] }));
    return file;
  };
  engine.register("deploy", { bundle: v1 }, { manifest: manifest("reserve", "src/order.ts:4:9") });
  const { arn } = engine.start("deploy");
  // Deploy v2 as soon as the first invocation (on v1) has started its hour's wait.
  const off = engine.onChange((c) => {
    if (c.changes.some((ch) => ch.arn === arn && ch.events.some((e) => e.EventType === "WaitStarted"))) {
      off();
      engine.register("deploy", { bundle: v2 }, { manifest: manifest("charge", "src/order.ts:4:9") });
    }
  });
  const ended = await engine.waitFor(arn);
  expect(ended).toMatchObject({ Status: "FAILED", Error: { ErrorType: "NonDeterministicExecutionError" } });
  expect(ended.Error?.ErrorMessage).toMatch(/"reserve".*"charge".*\("reserve" was recorded at src\/order\.ts:4:9; the code now calls "charge" at src\/order\.ts:4:9\)$/);
  expect(await engine.waitFor(engine.start("deploy").arn)).toMatchObject({ Status: "SUCCEEDED", Result: '"v2"' });
  engine.register("bare", { bundle: v1 }); // no manifests: the runtime's message stays as it is
  const again = engine.start("bare").arn;
  const offAgain = engine.onChange((c) => {
    if (c.changes.some((ch) => ch.arn === again && ch.events.some((e) => e.EventType === "WaitStarted"))) {
      offAgain();
      engine.register("bare", { bundle: v2 });
    }
  });
  expect((await engine.waitFor(again)).Error?.ErrorMessage).toMatch(/under a new version instead of replacing running ones\.$/);
});
