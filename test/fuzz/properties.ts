/**
 * The compiler fuzzer's three properties, for the test (CI-sized) and `npm run fuzz` (long runs):
 * generated durable programs keep their plain meaning compiled, under AWS's emulator and on every
 * replay (programs-run.ts); generated TypeScript never breaks compile (typescript-inputs.ts); the
 * installed packages' files with directives inserted never break compile. Each returns the number of
 * cases and, for a failure, a report with the shrunk input, what went wrong and a one-line
 * reproduction. The emulator must be started by the caller (test/support/emulator.ts).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { programArb, type GeneratedProgram } from "./programs.ts";
import type { ProgramRunner } from "./programs-run.ts";
import { checkCompile, corpusFiles, corpusVariants, generatedModule } from "./typescript-inputs.ts";

export type Part = "programs" | "typescript" | "corpus";

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** fast-check's counterexample path: replays one shrunk case directly. */
  path?: string;
}

export interface PartResult {
  part: Part;
  cases: number;
  failure?: string;
}

export function reproduction(part: Part, seed: number, path?: string): string {
  return `npm run fuzz -- --only ${part} --seed ${seed}${path ? ` --path ${path}` : ""}`;
}

class Violation extends Error {}

function report<T>(part: Part, details: fc.RunDetails<[T]>, show: (input: T) => string): PartResult {
  if (!details.failed) return { part, cases: details.numRuns };
  const input = details.counterexample?.[0];
  const error = details.errorInstance instanceof Violation ? details.errorInstance.message : String(details.errorInstance instanceof Error ? details.errorInstance.stack : details.errorInstance);
  return {
    part,
    cases: details.numRuns,
    failure: [
      `${part}: failed after ${details.numRuns} cases, shrunk ${details.numShrinks} times (seed ${details.seed}, path ${details.counterexamplePath})`,
      `reproduce: ${reproduction(part, details.seed, details.counterexamplePath ?? undefined)}`,
      error,
      input === undefined ? "" : show(input),
    ].join("\n"),
  };
}

export async function fuzzPrograms(runner: ProgramRunner, options: FuzzOptions): Promise<PartResult> {
  // Unbiased: fast-check's bias makes the first runs of a check tiny (a statement or two), and a
  // CI run or a chunk of the long run is only tens of cases. Shrinking still finds the small ones.
  const property = fc.asyncProperty(fc.noBias(programArb()), async (program) => {
    const violations = await runner.check(program);
    if (violations.length > 0) throw new Violation(violations.join("\n"));
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed, ...(options.path ? { path: options.path } : {}) });
  return report("programs", details, (p: GeneratedProgram) => `input ${JSON.stringify(p.input)}, program:\n${p.source}`);
}

export function fuzzTypeScript(options: FuzzOptions): PartResult {
  const property = fc.property(generatedModule, (code) => {
    const violations = checkCompile(code, "src/generated.ts");
    if (violations.length > 0) throw new Violation(violations.join("\n"));
  });
  const details = fc.check(property, { numRuns: options.runs, seed: options.seed, ...(options.path ? { path: options.path } : {}) });
  return report("typescript", details, (code) => `module:\n${code}`);
}

/**
 * Every corpus file of at most `maxBytes` (or, with `sample`, that many of them, picked by the
 * seed): the module directive, and "use durable" in `bodies` function bodies picked by the seed.
 */
export function fuzzCorpus(nodeModules: string, options: { seed: number; maxBytes: number; bodies: number; sample?: number }): PartResult & { files: number; variants: number } {
  let files = corpusFiles(nodeModules).filter((f) => f.bytes <= options.maxBytes);
  if (options.sample !== undefined) files = fc.sample(fc.shuffledSubarray(files, { minLength: Math.min(options.sample, files.length), maxLength: Math.min(options.sample, files.length) }), { numRuns: 1, seed: options.seed })[0]!;
  let variants = 0;
  for (const { file } of files) {
    for (const code of corpusVariants(readFileSync(file, "utf8"), file, options.seed, options.bodies)) {
      variants++;
      const violations = checkCompile(code, file);
      if (violations.length > 0) {
        const failure = [`corpus: ${file} with "use durable" inserted (variant ${variants}, seed ${options.seed})`, `reproduce: ${reproduction("corpus", options.seed)}`, ...violations].join("\n");
        return { part: "corpus", cases: variants, files: files.length, variants, failure };
      }
    }
  }
  return { part: "corpus", cases: variants, files: files.length, variants };
}
