/**
 * `use-durable run <file.ts>`: builds the file with the plugin, opens the project's engine
 * (`.use-durable/engine.db`) in this process with its HTTP API on 127.0.0.1 (so `use-durable
 * callback ...` from another terminal reaches it, through `.use-durable/endpoint.json`), starts one
 * execution and follows it to its end with a live timeline, then prints the result or the error.
 * Beside a running `use-durable dev` it runs on dev's engine instead (./beside-dev.ts). The I/O of
 * the command; the text is rendered by cli/timeline/ and ./outcome.ts.
 */
import { formatMessagesSync } from "esbuild";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import type { Engine } from "../../engine/index.ts";
import { CliError } from "../cli-error.ts";
import { readEndpoint, writeEndpoint } from "../endpoint-file.ts";
import { readJsonArg } from "../input-arg.ts";
import { liveTimeline } from "../timeline/live.ts";
import type { TimelineOperation } from "../timeline/render.ts";
import { runBesideDev } from "./beside-dev.ts";
import { checkEntryFile, compileEntry } from "./compile.ts";
import { exitCodeOf, outcomeJson, outcomeLines, type FinalExecution } from "./outcome.ts";

export const RUN_USAGE = `Usage: use-durable run <file.ts> [options]

Builds the file with the use-durable plugin, starts one execution of its durable function on the
project's engine (.use-durable/engine.db) and follows it to its end: the operations as they run,
what it waits for (a callback shows the command that answers it), then the result or the error
with its source location. Exit code 0 when it succeeded, 1 when it failed, timed out or was stopped.
With use-durable dev running in the project, the function is registered with dev and the execution
runs there (it shows in dev's UI); --skip-time cannot apply to dev's real-time engine.

Options:
  --export <name>     the durable function to run (default: the file's only one, or "handler")
  --input <json>      the input, as JSON (quote it for the shell), or @file.json
  --name <name>       the execution's name (the same name and input give back the same execution)
  --skip-time         skip waits, retries' backoff and timeouts instead of sleeping through them
                      (not beside use-durable dev)
  --json              print only one JSON object: { status, result, error, arn, history }
  -h, --help          show this help
`;

export async function runRun(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        export: { type: "string" },
        input: { type: "string" },
        name: { type: "string" },
        "skip-time": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliError("UD_CLI_USAGE", `${(error as Error).message}\n\n${RUN_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError("UD_CLI_USAGE", `give exactly one file, e.g. use-durable run src/checkout.ts\n\n${RUN_USAGE}`);
  const root = process.cwd();
  const file = positionals[0]!;
  checkEntryFile(root, file);
  const input = readJsonArg(values.input, "--input", root);
  const json = values.json ?? false;
  const out = process.stdout;
  const say = (line: string) => (json ? undefined : out.write(`${line}\n`));

  const running = readEndpoint(root);
  if (running?.command === "dev") {
    if (values["skip-time"]) {
      throw new CliError(
        "UD_CLI_USAGE",
        `--skip-time cannot apply beside use-durable dev (process ${running.pid}): dev's engine runs every execution it holds on real time, and run registers this file there. Drop --skip-time to run it on dev's engine (it shows in dev's UI), or stop dev and run again: run then opens an engine of its own on the project's database, where time can be skipped.`,
      );
    }
    return runBesideDev({
      root,
      file,
      dev: running,
      json,
      ...(values.export !== undefined ? { exportName: values.export } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
    });
  }
  if (running) {
    throw new CliError(
      "UD_CLI_ENGINE_BUSY",
      `the project's engine is open in another use-durable run (process ${running.pid}, ${running.endpoint}), which registers only its own file. Wait for it to end (or stop it), or start use-durable dev: every run beside dev registers its file there.`,
    );
  }
  const compiled = await compileEntry({ root, file, outdir: join(root, ".use-durable", "run"), ...(values.export !== undefined ? { exportName: values.export } : {}) });
  if (!compiled.ok) {
    process.stderr.write(formatMessagesSync(compiled.errors, { kind: "error", color: false }).join(""));
    process.stderr.write(`use-durable run: ${file} did not build (${compiled.errors.length} error(s)); fix the code above and run again.\n`);
    return 1;
  }
  const { entry } = compiled;
  const { createEngine } = await import("../../engine/index.ts");
  let engine: Engine;
  try {
    engine = await createEngine({ root, clock: values["skip-time"] ? "skip" : "real", http: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "UD_ENGINE_NODE" || code === "UD_ENGINE_DB_BUSY" || code === "UD_ENGINE_DB_NEWER") throw new CliError("UD_CLI_ENGINE", (error as Error).message);
    throw error;
  }
  const removeEndpoint = writeEndpoint(root, { endpoint: engine.url!, pid: process.pid, command: "run", functions: [entry.functionName] });
  let ticker: NodeJS.Timeout | undefined;
  let onSigint = () => {};
  const interrupted = new Promise<undefined>((resolve) => {
    onSigint = () => resolve(undefined);
  });
  try {
    engine.register(entry.functionName, { bundle: entry.bundle, export: entry.exportName }, { manifest: entry.manifest });
    say(`use-durable run: ${entry.functionName} (${relative(root, checkEntryFile(root, file))}#${entry.exportName}) on ${relative(root, engine.options.database)}${values["skip-time"] ? ", time skipped" : ""}`);
    say(`  API ${engine.url}  (AWS_ENDPOINT_URL_LAMBDA=${engine.url})`);
    let arn: string;
    try {
      arn = engine.start(entry.functionName, { ...(input !== undefined ? { input } : {}), ...(values.name !== undefined ? { executionName: values.name } : {}) }).arn;
    } catch (error) {
      if ((error as Error).name === "DurableExecutionAlreadyStartedException" || (error as Error).name === "InvalidParameterValueException") {
        throw new CliError("UD_CLI_USAGE", `${(error as Error).message}. Give another --name, or the same input to follow that execution again.`);
      }
      throw error;
    }
    say(`  execution ${arn}\n`);
    // In --json mode stdout holds the document only; what the execution waits for goes to stderr.
    const timeline = liveTimeline(json ? process.stderr : out, json ? false : out.isTTY === true, !json);
    const operations = () => engine.store.operations(arn).map((row) => row.operation as TimelineOperation);
    const draw = () => timeline.update(operations(), engine.clock.now());
    const unsubscribe = engine.onChange(({ changes }) => {
      if (changes.some((c) => c.arn === arn)) draw();
    });
    draw();
    if (!json && out.isTTY) ticker = setInterval(draw, 1000);
    process.once("SIGINT", onSigint);
    const view = await Promise.race([engine.waitFor(arn), interrupted]);
    unsubscribe();
    clearInterval(ticker);
    if (!view) {
      process.stderr.write(`\nuse-durable run: interrupted; execution ${arn} stays RUNNING in ${relative(root, engine.options.database)}. It resumes the next time an engine on this project runs ${entry.functionName} (use-durable dev, or run again with --name).\n`);
      return 130;
    }
    timeline.finish(operations(), engine.clock.now());
    const final: FinalExecution = {
      arn,
      status: view.Status,
      ...(view.Result !== undefined ? { result: view.Result } : {}),
      ...(view.Error !== undefined ? { error: view.Error } : {}),
      operations: operations(),
      history: json ? historyOf(engine, arn) : [],
    };
    if (json) out.write(`${outcomeJson(final)}\n`);
    else say(`\n${outcomeLines(final, entry.modules).join("\n")}`);
    return exitCodeOf(final.status);
  } finally {
    clearInterval(ticker);
    process.off("SIGINT", onSigint);
    removeEndpoint();
    await engine.close();
  }
}

function historyOf(engine: Engine, arn: string): unknown[] {
  const events: unknown[] = [];
  let marker: string | undefined;
  do {
    const page = engine.service.getHistory({ DurableExecutionArn: arn, MaxItems: 1000, ...(marker !== undefined ? { Marker: marker } : {}) });
    events.push(...page.Events);
    marker = page.NextMarker;
  } while (marker !== undefined);
  return events;
}
