#!/usr/bin/env node
// The `use-durable` command: `build`, `check`, `graph`. Each command lives in its own module; this
// file only dispatches and turns outcomes into exit codes (0 ok, 1 the command found a problem, 2
// usage or unreadable input: a CliError, printed with its fix).

import module from "node:module";
import { parseArgs } from "node:util";
import { realpathSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isCliError } from "./cli-error.ts";

export const USAGE = `Usage: use-durable <command> [options]

Commands:
  build <entry...>   bundle Lambda handlers with the use-durable plugin
  check              check a new version before deploying it (use-durable check --help)
  graph [entry]      draw each durable function's workflow (use-durable graph --help)
  run <file.ts>      run a durable function locally and follow it to its end (use-durable run --help)
  dev [entries...]   the engine, its HTTP API and a watch that rebuilds and re-registers (use-durable dev --help)
  start <function>   start an execution on a running engine
  executions         list executions (--function, --status, --json)
  history <arn|name> an execution's timeline: tree, durations, retries, payloads
  callback <succeed|fail|heartbeat> <id> [payload]
                     answer a callback an execution waits for
  stop <arn>         stop a running execution

Usage: use-durable build <entry...> [options]

Bundles each entry (a Lambda handler module) with esbuild and the use-durable plugin:
node22, ESM (.mjs), @aws-sdk/* external, linked source maps, and use-durable.manifest.json.

Options:
  --outdir <dir>    where bundles go (default: dist)
  --root <dir>      root for operation names and manifest paths (default: current directory)
  --strict          replay hazards are errors, not warnings
  --steps <module>  a module whose exports are all step functions (repeatable)
  --conditions <c>  an extra package.json export condition to resolve with (repeatable)
  --minify          minify the bundles
  --quiet           print errors only
  -h, --help        show this help
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  // A tool, run once per build or check: let Node keep V8's compiled code for TypeScript (9 MB of JS,
  // loaded on the first durable module, or by check's ts-morph) on disk; quiet if unavailable (Node 20),
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  // Each command's modules load when it runs: the engine's clients start without the compiler.
  const commands: Record<string, (args: string[]) => Promise<number>> = {
    build: runBuild,
    check: async (args) => (await import("./check/command.ts")).runCheck(args),
    graph: async (args) => (await import("./graph/command.ts")).runGraph(args),
    run: async (args) => (await import("./run/command.ts")).runRun(args),
    dev: async (args) => (await import("./dev/command.ts")).runDev(args),
    start: async (args) => (await import("./api/commands.ts")).runStart(args),
    executions: async (args) => (await import("./api/commands.ts")).runExecutions(args),
    history: async (args) => (await import("./api/history.ts")).runHistory(args),
    callback: async (args) => (await import("./api/commands.ts")).runCallback(args),
    stop: async (args) => (await import("./api/commands.ts")).runStop(args),
  };
  const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!run) {
    process.stderr.write(`use-durable: unknown command "${command}". Available: ${Object.keys(commands).join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (error) {
    if (!isCliError(error)) throw error;
    process.stderr.write(`use-durable ${command}: ${error.message}\n`);
    return 2;
  }
}

async function runBuild(rest: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        outdir: { type: "string" },
        root: { type: "string" },
        strict: { type: "boolean" },
        steps: { type: "string", multiple: true },
        conditions: { type: "string", multiple: true },
        minify: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    process.stderr.write(`use-durable build: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`use-durable build: no entry given. Name the handler files, e.g. use-durable build src/checkout.ts\n`);
    return 2;
  }
  const { buildLambdas } = await import("./build.ts");
  const outcome = await buildLambdas({
    entries: positionals,
    ...(values.outdir !== undefined && { outdir: values.outdir }),
    ...(values.root !== undefined && { root: values.root }),
    strict: values.strict ?? false,
    steps: values.steps ?? [],
    conditions: values.conditions ?? [],
    minify: values.minify ?? false,
    logLevel: values.quiet ? "error" : "warning",
  });
  const shown = (p: string) => relative(process.cwd(), p) || ".";
  if (!outcome.ok) {
    process.stderr.write(
      `use-durable build failed with ${outcome.errors.length} error(s); manifest: ${shown(outcome.manifest)}\n`,
    );
    return 1;
  }
  if (!values.quiet) {
    for (const b of outcome.bundles) process.stdout.write(`built ${shown(b)}\n`);
    process.stdout.write(`manifest ${shown(outcome.manifest)}\n`);
  }
  return 0;
}

// Run only as the command, so tests can import main() without side effects.
if (isMainModule()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`use-durable: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

// npm links the bin through node_modules/.bin, so compare real paths.
function isMainModule(): boolean {
  const invoked = process.argv[1];
  if (invoked === undefined) return false;
  try {
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
