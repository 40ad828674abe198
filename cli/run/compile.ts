/**
 * `run`'s build: one source file bundled with esbuild and the use-durable plugin into
 * `.use-durable/run/<n>/` under the project (an ES module a worker thread imports, and its
 * manifest), and the choice of the durable function to run from the manifest. A missing file, a
 * file with no exported durable function and an unknown export are CliErrors that say the fix.
 * Never starts anything.
 */
import { build, type Message } from "esbuild";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Manifest } from "../../compiler/index.ts";
import { LAMBDA_BUNDLE } from "../../plugin/lambda-bundle.ts";
import { CliError } from "../cli-error.ts";

export interface CompiledEntry {
  bundle: string;
  manifest: string;
  /** The export that is the handler (a durable function). */
  exportName: string;
  /** The Lambda function name it is registered under: the export's name, or the file's base name for `handler`. */
  functionName: string;
  /** The build's compiler manifests (for call sites). */
  modules: Manifest[];
}

export type CompileOutcome = { ok: true; entry: CompiledEntry } | { ok: false; errors: Message[] };

// Running from the TypeScript sources (this repository) means use-durable resolves to its sources too.
const fromSource = import.meta.url.endsWith(".ts");

export function checkEntryFile(root: string, file: string): string {
  const path = resolve(root, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError("UD_CLI_MISSING_FILE", `no file at ${relative(root, path) || path}. Give the path of a TypeScript or JavaScript module with a "use durable" function, e.g. use-durable run src/checkout.ts`);
  }
  return path;
}

export async function compileEntry(options: { root: string; file: string; outdir: string; exportName?: string }): Promise<CompileOutcome> {
  const entry = checkEntryFile(options.root, options.file);
  mkdirSync(options.outdir, { recursive: true });
  const stem = basename(entry).replace(/\.[^.]+$/, "");
  const manifest = join(options.outdir, "use-durable.manifest.json");
  // The plugin brings the compiler (TypeScript): loaded only once there is something to build.
  const { default: durable } = await import("../../plugin/esbuild.ts");
  try {
    await build({
      entryPoints: [entry],
      outfile: join(options.outdir, `${stem}.mjs`),
      absWorkingDir: options.root,
      ...LAMBDA_BUNDLE,
      external: [...LAMBDA_BUNDLE.external],
      sourcemap: "inline",
      ...(fromSource ? { conditions: ["source"] } : {}),
      logLevel: "silent",
      plugins: [durable({ root: options.root, manifest })],
    });
  } catch (error) {
    const failure = error as { errors?: Message[] };
    if (!Array.isArray(failure.errors)) throw error;
    return { ok: false, errors: failure.errors };
  }
  const modules = (JSON.parse(readFileSync(manifest, "utf8")) as { modules: Manifest[] }).modules;
  const shown = relative(options.root, entry).split("\\").join("/");
  const own = modules.find((m) => m.file === shown);
  const exported = (own?.durable ?? []).filter((fn) => fn.exported).map((fn) => fn.name);
  const exportName = pickExport(shown, exported, options.exportName);
  const functionName = (exportName === "handler" ? stem : exportName).replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
  return { ok: true, entry: { bundle: join(options.outdir, `${stem}.mjs`), manifest, exportName, functionName, modules } };
}

export function pickExport(file: string, exported: readonly string[], wanted: string | undefined): string {
  if (exported.length === 0) {
    throw new CliError(
      "UD_CLI_UNKNOWN_ENTRY",
      `${file} has no exported durable function. Export an async function whose body starts with "use durable", e.g.\n  export async function handler(input: Input) {\n    "use durable";\n    ...\n  }`,
    );
  }
  if (wanted !== undefined) {
    if (exported.includes(wanted)) return wanted;
    throw new CliError("UD_CLI_UNKNOWN_ENTRY", `${file} has no exported durable function named ${wanted}. Its durable exports: ${exported.join(", ")}. Pass one of them to --export.`);
  }
  if (exported.length === 1) return exported[0]!;
  if (exported.includes("handler")) return "handler";
  throw new CliError("UD_CLI_UNKNOWN_ENTRY", `${file} exports ${exported.length} durable functions (${exported.join(", ")}). Choose one with --export <name>.`);
}

/** file:line:col of an operation, from the build's manifests (names are `durable:operation`). */
export function siteOf(modules: readonly Manifest[], operationName: string | undefined): string | undefined {
  if (operationName === undefined) return undefined;
  for (const m of modules) {
    const exact = m.names[operationName];
    if (exact) return exact;
  }
  for (const m of modules) for (const [name, site] of Object.entries(m.names)) if (name.endsWith(`:${operationName}`)) return site;
  return undefined;
}
