/**
 * `use-durable check`: argument parsing and the I/O of each mode; the logic lives in the modules it
 * calls. Returns the exit code (cli/SPEC.md): 0 ok, 1 findings, 2 usage or unreadable input.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { DEFAULT_OUTDIR, MANIFEST_FILE } from "../build.ts";
import { CliError } from "../cli-error.ts";
import { readManifest } from "../manifest-file.ts";
import { classifyDeploy } from "./deploy-classify.ts";
import { formatDeployReport } from "./deploy-report.ts";

export const DEFAULT_MANIFEST = `${DEFAULT_OUTDIR}/${MANIFEST_FILE}`;

export const CHECK_USAGE = `Usage: use-durable check --against <old manifest> [--manifest <new manifest>] [--json]

Safe deploys: compares the durable call trees of two builds and classifies every durable
function as unchanged, safe, risky (executions parked past the change fail replay) or breaking
(a recorded call removed, renamed, or two calls swapped). Exit 1 when any is risky or breaking.

Options:
  --against <file>    the manifest of the version whose executions may still be running
  --manifest <file>   the new build's manifest (default: ${DEFAULT_MANIFEST})
  --json              print the report as JSON
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
  if (values.against === undefined) throw new CliError("UD_CLI_USAGE", "nothing to check: pass --against <old manifest> to compare two builds. See use-durable check --help.");
  const oldBuild = readManifest(resolve(values.against), "--against", "Pass the manifest of the deployed version (keep each release's use-durable.manifest.json as a build artifact).");
  const newBuild = readManifest(resolve(values.manifest ?? DEFAULT_MANIFEST), "--manifest", `Run use-durable build first (it writes <outdir>/${MANIFEST_FILE}), or pass --manifest <file>.`);
  const report = classifyDeploy(oldBuild, newBuild);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDeployReport(report));
  return report.ok ? 0 : 1;
}
