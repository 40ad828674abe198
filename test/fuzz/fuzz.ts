/**
 * `npm run fuzz -- --runs N [--seed S] [--only programs|typescript|corpus] [--path P] [--minutes M]`:
 * the compiler fuzzer's long run. N generated programs (in chunks of 50 with seeds S, S+1, ...; at
 * most M minutes of them) run under AWS's emulator with replays, 20 N generated
 * TypeScript modules, and every file of the corpus (all sizes, "use durable" in 50 function bodies
 * each). Prints the case counts and, for a failure, the shrunk input and a one-line reproduction.
 * Exit code 1 when any part fails. The seed defaults to the clock's, printed first.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startEmulator, stopEmulator } from "../support/emulator.ts";
import { ProgramRunner } from "./programs-run.ts";
import { fuzzCorpus, fuzzPrograms, fuzzTypeScript, type Part, type PartResult } from "./properties.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
// Captured before the emulator fakes the clock.
const clock = performance.now.bind(performance);

const USAGE = `Usage: npm run fuzz -- [--runs N] [--seed S] [--only programs|typescript|corpus] [--path P] [--minutes M]
  --runs N       generated programs to run (default 100; 20 N generated TypeScript modules)
  --seed S       the first seed (default: from the clock, printed first)
  --only PART    one part: programs, typescript or corpus
  --path P       the corpus part on one file or folder
  --minutes M    stop starting program chunks after M minutes (0: no limit)
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: "string" }, seed: { type: "string" }, only: { type: "string" }, path: { type: "string" }, minutes: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const whole = (flag: "runs" | "seed" | "minutes", fallback: number): number => {
    const text = values[flag];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} needs a whole number >= 0, got ${text}`);
    return n;
  };
  const runs = whole("runs", 100);
  const seed = whole("seed", Date.now() % 2 ** 31);
  const path = values.path;
  const only = values.only as Part | undefined;
  const minutes = whole("minutes", 0);
  if (only !== undefined && !["programs", "typescript", "corpus"].includes(only)) throw new Error(`--only takes programs, typescript or corpus, got ${only}`);
  const parts = only ? [only] : (["programs", "typescript", "corpus"] as Part[]);
  console.log(`compiler fuzzing: seed ${seed}, ${parts.join(", ")}`);

  const results: PartResult[] = [];
  for (const part of parts) {
    const started = clock();
    let result: PartResult;
    if (part === "programs") {
      await startEmulator();
      const runner = await ProgramRunner.create();
      try {
        // In chunks of 50 cases, each its own seed (seed, seed + 1, ...): progress is printed, and a
        // run cut short by --minutes still reports what it ran.
        result = { part, cases: 0 };
        for (let chunk = 0; result.cases < runs && !result.failure; chunk++) {
          if (minutes > 0 && clock() - started > minutes * 60_000) break;
          const chunkResult = await fuzzPrograms(runner, { runs: path ? 1 : Math.min(50, runs - result.cases), seed: seed + chunk, ...(path ? { path } : {}) });
          result = { ...chunkResult, cases: result.cases + chunkResult.cases };
          console.log(`programs: ${result.cases} cases, ${((clock() - started) / 1000).toFixed(0)} s`);
          if (path) break;
        }
      } finally {
        runner.close();
        await stopEmulator();
      }
    } else if (part === "typescript") {
      result = fuzzTypeScript({ runs: runs * 20, seed, ...(path ? { path } : {}) });
    } else {
      const corpus = fuzzCorpus(join(root, "node_modules"), { seed, maxBytes: Infinity, bodies: 50 });
      result = corpus;
      console.log(`corpus: ${corpus.files} files of ${["typescript", "vite", "vitest"].join(", ")}, ${corpus.variants} variants`);
    }
    console.log(`${part}: ${result.cases} cases in ${((clock() - started) / 1000).toFixed(1)} s, ${result.failure ? "FAILED" : "all hold"}`);
    if (result.failure) console.log(result.failure);
    results.push(result);
  }
  return results.some((r) => r.failure) ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    const usage = String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
    console.error(usage ? `${(error as Error).message}\n\n${USAGE}` : error);
    process.exit(2);
  });
}
