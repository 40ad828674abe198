/**
 * The one TypeScript program `check` analyses, built by ts-morph from the user's tsconfig.json and
 * loaded lazily: no other command pays for ts-morph (and the TypeScript it bundles). One Project per
 * run; its program and checker serve every file.
 */
import { existsSync } from "node:fs";
import type { TS, TSApi } from "../analysis/ts-types.ts";
import { CliError } from "../cli-error.ts";

export interface LoadedProgram {
  ts: TSApi;
  program: TS.Program;
  /** The files the tsconfig names (include / files), not what they import: no .d.ts, nothing from node_modules. */
  sourceFiles: TS.SourceFile[];
}

export async function loadProgram(tsconfig: string): Promise<LoadedProgram> {
  if (!existsSync(tsconfig)) throw new CliError("UD_CLI_MISSING_FILE", `--project: no tsconfig at ${tsconfig}. Run check in the project's directory or pass --project path/to/tsconfig.json.`);
  const { Project, ts } = await import("ts-morph");
  let project;
  try {
    project = new Project({ tsConfigFilePath: tsconfig });
  } catch (error) {
    throw new CliError("UD_CLI_BAD_PROJECT", `--project: ${tsconfig} could not be read (${(error as Error).message.split("\n")[0]}). Fix the tsconfig.json so that tsc -p accepts it.`);
  }
  const configErrors = project.getConfigFileParsingDiagnostics().filter((d) => d.getCategory() === ts.DiagnosticCategory.Error);
  if (configErrors.length > 0) {
    const first = ts.flattenDiagnosticMessageText(configErrors[0]!.compilerObject.messageText, " ");
    throw new CliError("UD_CLI_BAD_PROJECT", `--project: ${tsconfig} is not a valid tsconfig (${first}). Fix it so that tsc -p accepts it.`);
  }
  const program = project.getProgram().compilerObject as unknown as TS.Program;
  const roots = new Set(program.getRootFileNames());
  const sourceFiles = program.getSourceFiles().filter((sf) => roots.has(sf.fileName) && !sf.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(sf.fileName));
  return { ts: ts as unknown as TSApi, program, sourceFiles };
}
