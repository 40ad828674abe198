/**
 * Behaviour fixtures: every fixtures/<case>/ with a run.json is compiled, bundled with esbuild and run
 * end to end under AWS's emulator. Its result must equal the same program's result with its steps
 * called plainly (bundled without the compiler); its history must equal the fixture's golden
 * history.txt (update with -u) and a second run's; and
 * replaying from every suspension point (each root wait of the finished run, and the end) must
 * re-create the same operations without re-running completed ones, and reach the same result.
 */
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/index.ts";
import * as internal from "../runtime/internal.ts";
import type { Operation } from "../runtime/wire.ts";
import { runOnEmulator, startEmulator, stopEmulator, type LambdaHandler } from "./support/emulator.ts";
import { ReplayClient } from "./compiler-replay-client.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixturesDir = join(root, "fixtures");
const outDir = mkdtempSync(join(tmpdir(), "ud-compiler-behaviour-"));

interface RunSpec {
  payload: unknown;
  handler?: string;
  /** Names of use-durable/internal exports the fixture needs (concurrency lands with the operations work). */
  needs?: string[];
}

const cases = readdirSync(fixturesDir)
  .filter((name) => existsSync(join(fixturesDir, name, "run.json")))
  .sort()
  .map((name) => ({ name, spec: JSON.parse(readFileSync(join(fixturesDir, name, "run.json"), "utf8")) as RunSpec }));

function resolveUseDurable(mode: "compiled" | "plain"): Plugin {
  return {
    name: "use-durable-source",
    setup(b) {
      b.onResolve({ filter: /^use-durable(\/internal)?$/ }, (args) => {
        if (args.path === "use-durable/internal") return { path: join(root, "runtime/internal.ts") };
        return { path: mode === "plain" ? join(root, "test/compiler-plain-runtime.ts") : join(root, "runtime/index.ts") };
      });
    },
  };
}

const compilePlugin: Plugin = {
  name: "use-durable-compile",
  setup(b) {
    b.onLoad({ filter: /[\\/]fixtures[\\/].*\.ts$/ }, (args) => {
      const code = readFileSync(args.path, "utf8");
      const result = compile(code, args.path, { root });
      const errors = result?.diagnostics.filter((d) => d.severity === "error") ?? [];
      if (errors.length > 0) return { errors: errors.map((d) => ({ text: `${d.code} ${d.message}` })) };
      return { contents: result?.code ?? code, loader: "ts" };
    });
  },
};

async function bundle(name: string, mode: "compiled" | "plain"): Promise<Record<string, unknown>> {
  const outfile = join(outDir, `${name}.${mode}.mjs`);
  await build({
    entryPoints: [join(fixturesDir, name, "input.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "silent",
    external: ["@aws-sdk/client-lambda"],
    plugins: mode === "compiled" ? [resolveUseDurable(mode), compilePlugin] : [resolveUseDurable(mode)],
  });
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

function executionOp(payload: unknown): Operation {
  return { Id: "replay-execution", Type: "EXECUTION", Status: "STARTED", ExecutionDetails: { InputPayload: JSON.stringify(payload) } };
}

async function replayFrom(handler: LambdaHandler, payload: unknown, prefix: Operation[]) {
  const client = new ReplayClient([executionOp(payload), ...prefix]);
  const event = { DurableExecutionArn: "arn:replay", CheckpointToken: "replay-token-0", InitialExecutionState: { Operations: [executionOp(payload), ...prefix] }, durableExecutionClient: client };
  const output = (await handler(event, { getRemainingTimeInMillis: () => 900_000, awsRequestId: "replay" })) as { Status: string; Result?: string };
  return { output, updates: client.updates };
}

beforeAll(startEmulator);
afterAll(async () => {
  await stopEmulator();
  rmSync(outDir, { recursive: true, force: true });
});

describe("compiled fixtures run end to end under AWS's emulator", () => {
  it("has runnable fixtures", () => expect(cases.length).toBeGreaterThanOrEqual(15));

  for (const { name, spec } of cases) {
    const missing = (spec.needs ?? []).filter((n) => typeof (internal as Record<string, unknown>)[n] !== "function");
    if (missing.length > 0) {
      it.todo(`${name} (waits for use-durable/internal ${missing.join(", ")})`);
      continue;
    }
    it(name, async () => {
      const exportName = spec.handler ?? "handler";
      const plain = (await bundle(name, "plain"))[exportName] as (input: unknown) => Promise<unknown>;
      const expected = JSON.parse(JSON.stringify((await plain(spec.payload)) ?? null)) as unknown;
      const handler = (await bundle(name, "compiled"))[exportName] as LambdaHandler;

      const first = await runOnEmulator(handler, { payload: spec.payload });
      expect(first.error, JSON.stringify(first.error)).toBeUndefined();
      expect(first.status).toBe("SUCCEEDED");
      expect(first.result ?? null).toEqual(expected);
      const second = await runOnEmulator(handler, { payload: spec.payload });
      // Where InvocationCompleted falls depends on timing under skipped time (reference §7), not on the code.
      const events = (h: typeof first.history) => h.filter(([type]) => type !== "InvocationCompleted");
      expect(events(second.history)).toEqual(events(first.history));
      // The golden history: every operation's type, subtype and compiler-given name, in order.
      const golden = events(first.history).map((e) => e.join(" ")).join("\n");
      await expect(golden + "\n").toMatchFileSnapshot(join(fixturesDir, name, "history.txt"));

      const ops = first.raw.operations.map((o) => o.getOperationData()!).filter((o) => o.Type !== "EXECUTION");
      const byId = new Map(ops.map((o) => [o.Id, o]));
      const sequential = (spec.needs ?? []).length === 0;
      const points = sequential ? ops.flatMap((o, i) => (o.Type === "WAIT" && !o.ParentId ? [i] : [])) : [];
      for (const at of [...points, ops.length]) {
        const prefix = ops.slice(0, at + (at < ops.length ? 1 : 0));
        const { output, updates } = await replayFrom(handler, spec.payload, prefix);
        for (const u of updates) {
          const original = byId.get(u.Id);
          expect(original, `replay from ${at} created an operation the first run did not: ${u.Name}`).toBeDefined();
          expect([u.Type, u.SubType, u.Name]).toEqual([original!.Type, original!.SubType, original!.Name]);
          expect(prefix.some((p) => p.Id === u.Id && p.Status === "SUCCEEDED"), `replay re-ran completed ${u.Name}`).toBe(false);
        }
        if (output.Status === "SUCCEEDED") expect(output.Result === undefined ? null : JSON.parse(output.Result)).toEqual(expected);
        else expect(output.Status, `replay from ${at}`).toBe("PENDING");
        if (at === ops.length) expect(updates).toEqual([]);
      }
    });
  }
});
