/**
 * Behaviour fixtures: every fixtures/<case>/ with a run.json is compiled, bundled with esbuild and run
 * end to end under AWS's emulator. Its result must equal the same program's result with its steps
 * called plainly (bundled without the compiler); its operation tree must equal the fixture's golden
 * history.txt (update with -u), and so must a second run's; and
 * replaying from every suspension point (each root wait of the finished run, and the end) must
 * re-create the same operations without re-running completed ones, and reach the same result.
 */
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type CompileOptions } from "../compiler/index.ts";
import * as internal from "../runtime/internal.ts";
import type { Operation } from "../runtime/protocol/wire.ts";
import type { DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import { WaitingOperationStatus, runOnEmulator, startEmulator, stopEmulator, type LambdaHandler } from "./support/emulator.ts";
import { operationTree, recordingHandler, replayFrom, resolveUseDurable } from "./compiler-run.ts";
import { expectGoldenFile } from "./compiler-golden.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixturesDir = join(root, "fixtures");
const outDir = mkdtempSync(join(tmpdir(), "ud-compiler-behaviour-"));

interface RunSpec {
  payload: unknown;
  handler?: string;
  /** Names of use-durable/internal exports the fixture needs (concurrency lands with the operations work). */
  needs?: string[];
  /** The result, for programs whose plain run needs a real service (callbacks, invoke). */
  expected?: unknown;
  /** Callback operations to answer, by operation name (and index among same-named ones), when they reach `when` (default STARTED). */
  callbacks?: Array<{ name: string; index?: number; when?: "STARTED" | "SUBMITTED"; result: string }>;
  /** Functions to register for chained invokes; each echoes its input as `{ echoed }`. */
  functions?: string[];
}

const cases = readdirSync(fixturesDir)
  .filter((name) => existsSync(join(fixturesDir, name, "run.json")))
  .sort()
  .map((name) => ({ name, spec: JSON.parse(readFileSync(join(fixturesDir, name, "run.json"), "utf8")) as RunSpec }));

const compilePlugin: Plugin = {
  name: "use-durable-compile",
  setup(b) {
    b.onLoad({ filter: /[\\/]fixtures[\\/].*\.ts$/ }, (args) => {
      const code = readFileSync(args.path, "utf8");
      const optionsFile = join(dirname(args.path), "options.json");
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as CompileOptions) : {};
      const result = compile(code, args.path, { ...options, root });
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

beforeAll(startEmulator);
afterAll(async () => {
  await stopEmulator();
  rmSync(outDir, { recursive: true, force: true });
});

describe("compiled fixtures run end to end under AWS's emulator", () => {
  it("has runnable fixtures", () => expect(cases.length).toBeGreaterThanOrEqual(15));

  it("a compiled durable function called plainly, outside any execution, rejects with a coded error saying how to run it", async () => {
    const handler = (await bundle("durable-declaration", "compiled")).handler as (input: unknown) => Promise<unknown>;
    const error = await handler({ id: "o-1", cents: 1 }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(error?.code).toBe("UD_NOT_DEPLOYED");
    expect(error?.message).toMatch(/"handler" was called directly, outside any durable execution.*local runner/);
  });

  for (const { name, spec } of cases) {
    const missing = (spec.needs ?? []).filter((n) => typeof (internal as Record<string, unknown>)[n] !== "function");
    if (missing.length > 0) {
      it.todo(`${name} (waits for use-durable/internal ${missing.join(", ")})`);
      continue;
    }
    it(name, async () => {
      const exportName = spec.handler ?? "handler";
      let expected = spec.expected;
      let expectedError: string | undefined;
      if (expected === undefined) {
        const plain = (await bundle(name, "plain"))[exportName] as (input: unknown) => Promise<unknown>;
        try {
          expected = JSON.parse(JSON.stringify((await plain(spec.payload)) ?? null)) as unknown;
        } catch (error) {
          expectedError = (error as Error).message;
        }
      }
      const compiled = (await bundle(name, "compiled"))[exportName] as LambdaHandler;
      // The execution's ARN and EXECUTION operation, for replays of that same execution (the durable
      // clock starts at its StartTimestamp, replay-stable randomness draws from the ARN).
      const { handler, seen } = recordingHandler(compiled);
      const options = {
        payload: spec.payload,
        hooks: (spec.callbacks ?? []).map((c) => ({ name: c.name, ...(c.index !== undefined && { index: c.index }), when: WaitingOperationStatus[c.when ?? "STARTED"], act: (op: DurableOperation) => op.sendCallbackSuccess(c.result) })),
        functions: Object.fromEntries((spec.functions ?? []).map((f) => [f, async (event: unknown) => ({ echoed: event })])),
      };

      const first = await runOnEmulator(handler, options);
      if (expectedError !== undefined) {
        expect(first.status).toBe("FAILED");
        expect(first.error?.errorMessage).toBe(expectedError);
      } else {
        expect(first.error, JSON.stringify(first.error)).toBeUndefined();
        expect(first.status).toBe("SUCCEEDED");
        expect(first.result ?? null).toEqual(expected);
      }
      // The golden history: the operation tree with every operation's type, subtype, compiler-given name
      // and status; children under their parent in creation order, so concurrent branches do not interleave.
      const golden = operationTree(first.raw.operations.map((o) => o.getOperationData() as unknown as Operation));
      await expectGoldenFile(golden + "\n", join(fixturesDir, name, "history.txt"));
      const second = await runOnEmulator(handler, options);
      expect(operationTree(second.raw.operations.map((o) => o.getOperationData() as unknown as Operation))).toBe(golden);

      const all = first.raw.operations.map((o) => o.getOperationData() as unknown as Operation);
      const ops = all.filter((o) => o.Type !== "EXECUTION");
      const byId = new Map(ops.map((o) => [o.Id, o]));
      // Prefix replays need every operation to be one the replay client can complete (steps, waits, contexts).
      const sequential = (spec.needs ?? []).length === 0 && !spec.callbacks && !spec.functions;
      const points = sequential ? ops.flatMap((o, i) => (o.Type === "WAIT" && !o.ParentId ? [i] : [])) : [];
      for (const at of [...points, ops.length]) {
        const prefix = ops.slice(0, at + (at < ops.length ? 1 : 0));
        const { output, updates } = await replayFrom(handler, seen.arn, seen.execution!, prefix);
        for (const u of updates) {
          const original = byId.get(u.Id);
          expect(original, `replay from ${at} created an operation the first run did not: ${u.Name}`).toBeDefined();
          expect([u.Type, u.SubType, u.Name]).toEqual([original!.Type, original!.SubType, original!.Name]);
          expect(prefix.some((p) => p.Id === u.Id && p.Status === "SUCCEEDED"), `replay re-ran completed ${u.Name}`).toBe(false);
        }
        if (output.Status === "SUCCEEDED") expect(output.Result === undefined ? null : JSON.parse(output.Result)).toEqual(expected);
        else if (output.Status === "FAILED") expect(output.Error?.ErrorMessage).toBe(expectedError);
        else expect(output.Status, `replay from ${at}`).toBe("PENDING");
        if (at === ops.length) expect(updates).toEqual([]);
      }
    });
  }
});
