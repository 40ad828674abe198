/**
 * Reads a build manifest (what `use-durable build` and the bundler plugins write) for `check` and
 * `graph`. A compiler manifest of one module is accepted too. Every way the file can be wrong is a
 * CliError naming the file and the fix; nothing here interprets the calls.
 */
import { readFileSync } from "node:fs";
import type { Manifest } from "../compiler/index.ts";
import { CliError } from "./cli-error.ts";

export interface LoadedManifest {
  path: string;
  modules: Manifest[];
}

export function readManifest(path: string, what: string, hint: string): LoadedManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError("UD_CLI_MISSING_FILE", `${what}: no file at ${path}. ${hint}`);
    throw new CliError("UD_CLI_MISSING_FILE", `${what}: cannot read ${path} (${code ?? (error as Error).message}). ${hint}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError("UD_CLI_BAD_JSON", `${what}: ${path} is not valid JSON (${(error as Error).message}). Pass the use-durable.manifest.json a build wrote, unedited.`);
  }
  const modules = asModules(data);
  if (!modules) throw new CliError("UD_CLI_BAD_MANIFEST", `${what}: ${path} is not a use-durable manifest (expected { "version": 1, "modules": [...] } as use-durable build writes it). ${hint}`);
  return { path, modules };
}

function asModules(data: unknown): Manifest[] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as { version?: unknown; modules?: unknown; durable?: unknown };
  if (d.version !== 1) return undefined;
  const modules = Array.isArray(d.modules) ? d.modules : Array.isArray(d.durable) ? [data] : undefined;
  if (!modules?.every((m) => typeof m === "object" && m !== null && Array.isArray((m as Manifest).durable) && (m as Manifest).durable.every((f) => typeof f?.id === "string" && Array.isArray(f.calls)))) return undefined;
  return modules as Manifest[];
}
