/**
 * `use-durable graph`: argument parsing and output. The graph comes from graph-model.ts, the text
 * from the renderers; exit codes as every command (cli/SPEC.md).
 */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { MANIFEST_FILE } from "../build.ts";
import { CliError } from "../cli-error.ts";
import { readManifest } from "../manifest-file.ts";
import { DEFAULT_MANIFEST } from "../check/command.ts";
import { functionGraph } from "./graph-model.ts";
import { renderDot } from "./render-dot.ts";
import { renderMermaid } from "./render-mermaid.ts";
import { durableFromSources, selectFunctions } from "./sources.ts";

export const GRAPH_USAGE = `Usage: use-durable graph [entry...] [--function <name>] [--manifest <file>] [--format mermaid|json|dot]

The static graph of each durable function: steps, waits, callbacks, child contexts, map/parallel
fan-out, branches (dashed: the path around them) and loops (dashed: the next iteration).

  entry               a source file with "use durable" functions (compiled on the spot), or the
                      name of a durable function in the manifest
Options:
  --function <name>   only this durable function (its name or manifest id)
  --manifest <file>   read the build's manifest (default: ${DEFAULT_MANIFEST}) when no file is named
  --root <dir>        root for paths in names and locations (default: current directory)
  --format <f>        mermaid (a flowchart, the default), json or dot
  -h, --help          show this help
`;

const FORMATS = ["mermaid", "json", "dot"] as const;

export async function runGraph(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        function: { type: "string" },
        manifest: { type: "string" },
        root: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliError("UD_CLI_USAGE", `${(error as Error).message}. See use-durable graph --help.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(GRAPH_USAGE);
    return 0;
  }
  const format = values.format ?? "mermaid";
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError("UD_CLI_USAGE", `unknown --format "${format}": use one of ${FORMATS.join(", ")}.`);
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const files = positionals.filter(isFile);
  const names = positionals.filter((p) => !isFile(p));
  if (names.length > 1 || (names.length === 1 && values.function !== undefined)) throw new CliError("UD_CLI_USAGE", `"${names.at(-1)}" is neither a file nor the only function name: pass one durable function name (or --function), and source files that exist.`);
  const wanted = values.function ?? names[0];
  const all = files.length > 0
    ? await durableFromSources(files, resolve(values.root ?? "."))
    : readManifest(resolve(values.manifest ?? DEFAULT_MANIFEST), "--manifest", `Run use-durable build first (it writes <outdir>/${MANIFEST_FILE}), pass --manifest <file>, or name a source file.`).modules.flatMap((m) => m.durable);
  const graphs = selectFunctions(all, wanted).map((d, i) => functionGraph(d, `f${i}`));
  if (format === "json") process.stdout.write(`${JSON.stringify({ functions: graphs }, null, 2)}\n`);
  else process.stdout.write(format === "dot" ? renderDot(graphs) : renderMermaid(graphs));
  return 0;
}
