/**
 * `use-durable check`: argument parsing and the I/O of each mode; the logic lives in the modules it
 * calls. Returns the exit code (cli/SPEC.md): 0 ok, 1 findings, 2 usage or unreadable input.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { relative, resolve } from "node:path";
import { SERDES_PROFILES, type SerdesProfile } from "../analysis/serializable.ts";
import { formatDiagnostic } from "../../compiler/index.ts";
import { DEFAULT_OUTDIR, MANIFEST_FILE } from "../build.ts";
import { CliError } from "../cli-error.ts";
import { readManifest } from "../manifest-file.ts";
import { classifyDeploy } from "./deploy-classify.ts";
import { formatDeployReport } from "./deploy-report.ts";
import { replayExecution, type LambdaHandler } from "./history-replay.ts";
import { jsonDirectorySource } from "./history-source.ts";
import { loadProgram } from "./project.ts";
import { typeCheck } from "./type-check.ts";

export const DEFAULT_MANIFEST = `${DEFAULT_OUTDIR}/${MANIFEST_FILE}`;

export const CHECK_USAGE = `Usage: use-durable check [--project tsconfig.json] [--json]
       use-durable check --against <old manifest> [--manifest <new manifest>] [--json]
       use-durable check --histories <dir> --bundle <file.mjs> [--handler <export>] [--json]

Without --against: type-aware analysis of every durable module of the project (one TypeScript
program): values a serdes cannot carry (UD401), non-determinism through aliases and helpers (UD402),
awaited plain calls (UD403), writes a replay loses (UD404), durable calls that may resolve to a plain
function (UD405), and the compiler's own diagnostics. Exit 1 when any is an error.

With --against: safe deploys. Compares the durable call trees of two builds and classifies every
durable function as unchanged, safe, risky (executions parked past the change fail replay) or breaking
(a recorded call removed, renamed, or two calls swapped). Exit 1 when any is risky or breaking.

With --histories: replays each recorded execution (GetDurableExecutionHistory JSON, one file per
execution) against the new bundle's handler without running any step, and reports the first
divergence of each. Exit 1 when any diverges.

Options:
  --project <file>    the tsconfig.json to analyse (default: tsconfig.json)
  --root <dir>        paths in findings are relative to it (default: current directory)
  --serdes <profile>  what step values go through: json (the default serdes) or rich (Date, Map, Set,
                      bigint, RegExp, typed arrays, errors, undefined)
  --strict            every finding is an error
  --against <file>    the manifest of the version whose executions may still be running
  --manifest <file>   the new build's manifest (default: ${DEFAULT_MANIFEST})
  --histories <dir>   a directory of exported histories (aws lambda get-durable-execution-history
                      --include-execution-data), one .json per execution
  --bundle <file>     the new bundle to replay them against (what use-durable build wrote)
  --handler <name>    the bundle's export that is the handler (default: handler)
  --json              print the result as JSON
  -h, --help          show this help
`;

export async function runCheck(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        against: { type: "string" },
        manifest: { type: "string" },
        project: { type: "string" },
        root: { type: "string" },
        serdes: { type: "string" },
        strict: { type: "boolean" },
        histories: { type: "string" },
        bundle: { type: "string" },
        handler: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliError("UD_CLI_USAGE", `${(error as Error).message}. See use-durable check --help.`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  if (values.manifest !== undefined && values.against === undefined) throw new CliError("UD_CLI_USAGE", "--manifest is the new side of --against: pass --against <old manifest> too.");
  if ((values.bundle !== undefined || values.handler !== undefined) && values.histories === undefined) throw new CliError("UD_CLI_USAGE", "--bundle and --handler go with --histories <dir>.");
  if (values.histories !== undefined) return checkHistories(values.histories, values.bundle, values.handler ?? "handler", values.json ?? false);
  if (values.against !== undefined) {
    const oldBuild = readManifest(resolve(values.against), "--against", "Pass the manifest of the deployed version (keep each release's use-durable.manifest.json as a build artifact).");
    const newBuild = readManifest(resolve(values.manifest ?? DEFAULT_MANIFEST), "--manifest", `Run use-durable build first (it writes <outdir>/${MANIFEST_FILE}), or pass --manifest <file>.`);
    const report = classifyDeploy(oldBuild, newBuild);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDeployReport(report));
    return report.ok ? 0 : 1;
  }
  const profile = values.serdes ?? "json";
  if (!(SERDES_PROFILES as readonly string[]).includes(profile)) throw new CliError("UD_CLI_USAGE", `unknown --serdes "${profile}": use one of ${SERDES_PROFILES.join(", ")}.`);
  const root = resolve(values.root ?? ".");
  const { ts, program, sourceFiles } = await loadProgram(resolve(values.project ?? "tsconfig.json"));
  const result = typeCheck(ts, program, sourceFiles, { root, profile: profile as SerdesProfile, strict: values.strict ?? false });
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok: errors === 0, errors, warnings, files: result.files, durableFiles: result.durableFiles, diagnostics: result.diagnostics }, null, 2)}\n`);
  } else {
    for (const d of result.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n\n`);
    process.stdout.write(`${errors} error(s), ${warnings} warning(s) in ${result.durableFiles} durable module(s) of ${result.files} file(s) (${relative(process.cwd(), resolve(values.project ?? "tsconfig.json"))})\n`);
  }
  return errors > 0 ? 1 : 0;
}

async function checkHistories(dir: string, bundle: string | undefined, exportName: string, json: boolean): Promise<number> {
  if (bundle === undefined) throw new CliError("UD_CLI_USAGE", "--histories needs the new bundle: pass --bundle dist/<handler>.mjs (what use-durable build wrote).");
  const source = jsonDirectorySource(resolve(dir));
  const path = resolve(bundle);
  if (!existsSync(path)) throw new CliError("UD_CLI_MISSING_FILE", `--bundle: no file at ${path}. Build it first: use-durable build <entry> writes <outdir>/<entry>.mjs.`);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const handler = mod[exportName];
  if (typeof handler !== "function") {
    const exported = Object.keys(mod).filter((k) => typeof mod[k] === "function").join(", ") || "none";
    throw new CliError("UD_CLI_UNKNOWN_ENTRY", `--handler: ${bundle} exports no function "${exportName}" (functions it exports: ${exported}). Pass --handler <export>.`);
  }
  const outcomes = [];
  for (const execution of source.executions()) outcomes.push(await replayExecution(handler as LambdaHandler, execution));
  const ok = outcomes.every((o) => o.ok);
  if (json) process.stdout.write(`${JSON.stringify({ ok, executions: outcomes }, null, 2)}\n`);
  else {
    for (const o of outcomes) process.stdout.write(`${o.ok ? "ok       " : "diverges "} ${o.label}${o.arn ? ` (${o.arn})` : ""}: ${o.replayed}/${o.recorded} recorded operations replayed; ${o.detail}\n`);
    const bad = outcomes.filter((o) => !o.ok).length;
    process.stdout.write(`${outcomes.length} execution(s): ${outcomes.length - bad} replay, ${bad} diverge${bad > 0 ? ": keep the old version serving them (qualified ARN) until they finish, or make the change compatible (patched)" : ""}\n`);
  }
  return ok ? 0 : 1;
}
