/**
 * The compiler fuzzer, CI-sized (test/fuzz/, compiler/SPEC.md "Fuzzing"): generated durable programs
 * compiled, bundled, run under AWS's emulator and replayed from every suspension point give their
 * plain result and history; generated TypeScript and a seeded sample of the installed typescript /
 * vite / vitest files with "use durable" inserted never make compile throw, report an internal
 * error, emit code that does not parse, or stop being idempotent. Fixed seeds (FUZZ_SEED overrides
 * them); `npm run fuzz -- --runs N` is the long run. A failure's message holds the shrunk input and a
 * one-line reproduction.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, stopEmulator } from "./support/emulator.ts";
import { ProgramRunner } from "./fuzz/programs-run.ts";
import { fuzzCorpus, fuzzPrograms, fuzzTypeScript, type PartResult } from "./fuzz/properties.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const seed = process.env.FUZZ_SEED === undefined ? 20261204 : Number(process.env.FUZZ_SEED);

function expectHolds(result: PartResult, minCases: number): void {
  if (result.failure) throw new Error(result.failure);
  expect(result.cases).toBeGreaterThanOrEqual(minCases);
}

describe("compiler fuzzing", () => {
  let runner: ProgramRunner;
  beforeAll(async () => {
    await startEmulator();
    runner = await ProgramRunner.create();
  });
  afterAll(async () => {
    runner?.close();
    await stopEmulator();
  });

  it("generated durable programs give their plain result under AWS's emulator and on every replay", async () => {
    expectHolds(await fuzzPrograms(runner, { runs: 12, seed }), 12);
  });

  it("generated TypeScript with directives anywhere never breaks compile", () => {
    expectHolds(fuzzTypeScript({ runs: 250, seed }), 250);
  });

  it("files of the installed typescript, vite and vitest with \"use durable\" inserted never break compile", () => {
    const result = fuzzCorpus(join(root, "node_modules"), { seed, maxBytes: 100_000, bodies: 20, sample: 12 });
    expectHolds(result, 12);
  });
});
