/**
 * Runs one generated program (programs.ts) both ways and lists every difference: its plain meaning
 * (the text bundled with compiler-plain-runtime.ts, steps called plainly), and the text compiled by
 * `compile()`, bundled with esbuild, run under AWS's emulator (test/support/emulator.ts, time skipped)
 * and replayed with the replay client from every suspension point to the end: each state an
 * invocation of the emulator's run started from, and each wait of the finished run (the state just
 * after it fired); at most 12 of each kind, evenly spread. Every replay must reach the plain result,
 * create only operations the first run created (same id, type, subtype, name), never redo a
 * completed one, and end with the same operations and the same step outcomes. A run or replay still
 * going after 20 s of real time is a
 * violation too (a hang), so it shrinks like any other.
 *
 * The runtime is bundled once per process (index and internal sharing one chunk) and stays external
 * to each program's bundle, so a case costs a small esbuild build, not a runtime's. It never asserts:
 * it returns violations; the caller (the test, or fuzz.ts) reports them.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { compile } from "../../compiler/index.ts";
import type { Operation } from "../../runtime/protocol/wire.ts";
import { runOnEmulator, type LambdaHandler } from "../support/emulator.ts";
import { prefixAt, recordingHandler, replayToEnd, resolveUseDurable, type RuntimeFiles } from "../compiler-run.ts";
import type { GeneratedProgram } from "./programs.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

// Captured at load, before AWS's emulator (skipTime) fakes the timers: the limit is real time.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** A run or replay that has not ended after this long is reported as hanging (a case takes 1-5 s). */
const HANG_MS = 20_000;

async function withinRealTime<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => (timer = realSetTimeout(() => reject(new Hang(`${what} did not end within ${HANG_MS / 1000} s of real time`)), HANG_MS)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    realClearTimeout(timer);
  }
}

class Hang extends Error {}

type Outcome = { ok: true; result: unknown } | { ok: false; message: string };

export class ProgramRunner {
  private count = 0;
  private readonly dir: string;
  private readonly runtime: RuntimeFiles;

  private constructor(dir: string, runtime: RuntimeFiles) {
    this.dir = dir;
    this.runtime = runtime;
  }

  static async create(): Promise<ProgramRunner> {
    const dir = mkdtempSync(join(tmpdir(), "ud-fuzz-"));
    const runtimeDir = join(dir, "runtime");
    mkdirSync(runtimeDir);
    await build({
      entryPoints: { index: join(root, "runtime/index.ts"), internal: join(root, "runtime/internal.ts") },
      outdir: runtimeDir, outExtension: { ".js": ".mjs" }, bundle: true, splitting: true, format: "esm",
      platform: "node", target: "node22", external: ["@aws-sdk/*"], logLevel: "silent",
    });
    return new ProgramRunner(dir, { index: join(runtimeDir, "index.mjs"), internal: join(runtimeDir, "internal.mjs"), external: true });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every way the compiled program differs from its plain meaning; empty when it holds. */
  async check(program: GeneratedProgram): Promise<string[]> {
    const n = ++this.count;
    const file = join(root, "fuzz", `program-${n}.ts`);
    const compiled = compile(program.source, file, { root });
    const errors = compiled?.diagnostics.filter((d) => d.severity === "error") ?? [];
    if (!compiled || errors.length > 0) return [`compile: ${compiled ? errors.map((d) => `${d.code} ${d.message} (line ${d.line})`).join("; ") : "returned null"}`];

    const plainHandler = (await this.load(program.source, n, "plain")).handler as (input: unknown) => Promise<unknown>;
    const plain = await outcome(() => plainHandler(program.input));
    const { handler, seen } = recordingHandler((await this.load(compiled.code, n, "compiled")).handler as LambdaHandler);
    let first: Awaited<ReturnType<typeof runOnEmulator>>;
    try {
      first = await withinRealTime(runOnEmulator(handler, { payload: program.input }), "the emulator run");
    } catch (error) {
      if (error instanceof Hang) return [error.message];
      throw error;
    }
    const violations: string[] = [];
    const expectSame = (where: string, status: string | undefined, result: unknown, message: string | undefined) => {
      if (plain.ok && (status !== "SUCCEEDED" || !equal(result, plain.result))) violations.push(`${where}: ${status} ${status === "SUCCEEDED" ? JSON.stringify(result) : message} instead of the plain result ${JSON.stringify(plain.result)}`);
      if (!plain.ok && (status !== "FAILED" || message !== plain.message)) violations.push(`${where}: ${status} ${status === "SUCCEEDED" ? JSON.stringify(result) : message} instead of the plain error "${plain.message}"`);
    };
    expectSame("emulator run", first.status, first.result ?? null, first.error?.errorMessage);
    if (violations.length > 0 || !seen.execution) return violations;

    const ops = first.raw.operations.map((o) => o.getOperationData() as unknown as Operation).filter((o) => o.Type !== "EXECUTION");
    const byId = new Map(ops.map((o) => [o.Id, o]));
    // Every suspension point, up to MAX_POINTS of each kind, evenly spread: a program with a hundred
    // waits would otherwise cost minutes (each replay runs to the end).
    const waits = ops.flatMap((o, i) => (o.Type === "WAIT" ? [i] : []));
    const starts: Array<[string, Operation[]]> = [
      ...spread(seen.states.map((state, i): [string, Operation[]] => [`invocation ${i + 1}'s state`, state.filter((o) => o.Type !== "EXECUTION")])),
      ...spread(waits).map((i): [string, Operation[]] => [`wait ${ops[i]!.Name} (operation ${i})`, prefixAt(ops, i)]),
      ["the end", ops],
    ];
    for (const [label, prefix] of starts) {
      const where = `replay from ${label}`;
      let replay: Awaited<ReturnType<typeof replayToEnd>>;
      try {
        replay = await withinRealTime(replayToEnd(handler, seen.arn, seen.execution, prefix), where);
      } catch (error) {
        if (error instanceof Hang) return [...violations, error.message];
        throw error;
      }
      const done = new Set(prefix.filter((o) => o.Status === "SUCCEEDED" || o.Status === "FAILED").map((o) => o.Id));
      for (const u of replay.updates) {
        const original = byId.get(u.Id);
        if (!original) violations.push(`${where}: created ${u.Type} ${u.Name} (${u.Id}), which the first run did not`);
        else if (original.Type !== u.Type || original.SubType !== u.SubType || original.Name !== u.Name) violations.push(`${where}: ${u.Id} is ${u.Type} ${u.SubType} ${u.Name}, was ${original.Type} ${original.SubType} ${original.Name}`);
        if (done.has(u.Id)) violations.push(`${where}: ${u.Action} of ${u.Name}, completed before the replay`);
      }
      if (label === "the end" && replay.updates.length > 0) violations.push(`${where}: ${replay.updates.length} updates, expected none`);
      const output = replay.output;
      if (output.Status === "PENDING") violations.push(`${where}: still PENDING after ${replay.invocations} invocations with every wait elapsed`);
      expectSame(where, output.Status, output.Result === undefined ? null : JSON.parse(output.Result), output.Error?.ErrorMessage);
      const ended = new Map(replay.operations.filter((o) => o.Type !== "EXECUTION").map((o) => [o.Id, o]));
      // The service sends no children of a finished context, and a replay does not run it again.
      const underDone = (o: Operation): boolean => o.ParentId !== undefined && (done.has(o.ParentId) || underDone(byId.get(o.ParentId)!));
      const missing = ops.filter((o) => !ended.has(o.Id) && !underDone(o)).map((o) => o.Name);
      if (missing.length > 0) violations.push(`${where}: never created ${missing.join(", ")}`);
      for (const o of ops) {
        const e = ended.get(o.Id);
        if (o.Type === "STEP" && e && (e.Status !== o.Status || e.StepDetails?.Result !== o.StepDetails?.Result)) violations.push(`${where}: step ${o.Name} ended ${e.Status} ${e.StepDetails?.Result}, was ${o.Status} ${o.StepDetails?.Result}`);
      }
      if (violations.length > 0) break;
    }
    return violations;
  }

  private async load(code: string, n: number, mode: "compiled" | "plain"): Promise<Record<string, unknown>> {
    const outfile = join(this.dir, `program-${n}.${mode}.mjs`);
    await build({
      stdin: { contents: code, resolveDir: root, sourcefile: `program-${n}.ts`, loader: "ts" },
      outfile, bundle: true, format: "esm", platform: "node", target: "node22", logLevel: "silent",
      plugins: [resolveUseDurable(mode, this.runtime)],
    });
    return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
  }
}

const MAX_POINTS = 12;

function spread<T>(items: T[]): T[] {
  if (items.length <= MAX_POINTS) return items;
  return Array.from({ length: MAX_POINTS }, (_, k) => items[Math.round((k * (items.length - 1)) / (MAX_POINTS - 1))]!);
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, result: JSON.parse(JSON.stringify((await run()) ?? null)) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
