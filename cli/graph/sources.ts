/**
 * The durable functions `graph` draws: from source files compiled on the spot (their relative
 * imports summarised as the bundler plugin does, so an imported step is drawn as a step), or from a
 * build's manifest. Reads files; builds no bundle.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import * as compiler from "../../compiler/index.ts";
import type { DurableEntry } from "../../compiler/index.ts";
import { ImportSummaries } from "../../plugin/import-summaries.ts";
import { CliError } from "../cli-error.ts";

export async function durableFromSources(files: readonly string[], root: string): Promise<DurableEntry[]> {
  const summaries = new ImportSummaries(() => true);
  const out: DurableEntry[] = [];
  for (const file of files) {
    const id = resolve(file);
    let code: string;
    try {
      code = readFileSync(id, "utf8");
    } catch (error) {
      throw new CliError("UD_CLI_MISSING_FILE", `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): name a source file that holds a "use durable" function.`);
    }
    const { imports } = await summaries.forModule(compiler, code, id, undefined);
    const result = compiler.compile(code, id, { root, imports });
    const found = result?.manifest.durable ?? [];
    if (found.length === 0) throw new CliError("UD_CLI_UNKNOWN_ENTRY", `${relative(process.cwd(), id) || file} holds no "use durable" function: name the module with the handler.`);
    out.push(...found);
  }
  return out;
}

/** Keeps the functions named `name` (or with that id); none is a CliError listing what there is. */
export function selectFunctions(all: readonly DurableEntry[], name: string | undefined): DurableEntry[] {
  if (name === undefined) return [...all];
  const picked = all.filter((d) => d.name === name || d.id === name);
  if (picked.length === 0) {
    const known = all.map((d) => `${d.name} (${d.id})`).join(", ") || "none";
    throw new CliError("UD_CLI_UNKNOWN_ENTRY", `no durable function "${name}". Durable functions: ${known}.`);
  }
  return picked;
}
