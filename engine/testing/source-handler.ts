/**
 * `{ file, export }`: a "use durable" source file compiled for a test, with esbuild and the
 * use-durable plugin, into a temporary ES module that is then imported. The one place engine/
 * reaches the plugin (and through it the compiler), loaded only when a test asks for a file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EngineError, EngineErrorCode, messageOf } from "../engine-error.ts";
import type { LambdaHandler } from "../invoke/functions.ts";
import { LAMBDA_BUNDLE } from "../../plugin/lambda-bundle.ts";

export interface SourceParameters {
  /** A TypeScript or JavaScript file with a "use durable" handler, relative to `root`. */
  file: string;
  /** The export that is the handler. @default "handler" */
  export?: string;
  /** @default process.cwd() */
  root?: string;
  /** package.json export conditions to resolve with (running from use-durable's own sources adds "source"). */
  conditions?: string[];
}

// Running from the TypeScript sources (this repository, or a test that imports them) means the
// package resolves to its sources too.
const fromSource = import.meta.url.endsWith(".ts");

export async function loadSourceHandler(params: SourceParameters): Promise<LambdaHandler> {
  const root = resolve(params.root ?? process.cwd());
  const entry = resolve(root, params.file);
  const name = params.export ?? "handler";
  const [{ build }, { default: durable }] = await Promise.all([import("esbuild"), import("../../plugin/esbuild.ts")]);
  const outdir = mkdtempSync(join(tmpdir(), "use-durable-test-"));
  const outfile = join(outdir, `${basename(entry).replace(/\.[^.]+$/, "")}.mjs`);
  try {
    await build({
      entryPoints: [entry],
      outfile,
      ...LAMBDA_BUNDLE,
      sourcemap: "inline",
      conditions: params.conditions ?? (fromSource ? ["source"] : []),
      logLevel: "silent",
      absWorkingDir: root,
      plugins: [durable({ root, manifest: false })],
    });
  } catch (error) {
    throw new EngineError(EngineErrorCode.TEST_SOURCE, `Could not compile ${params.file} for the test runner: ${messageOf(error)}`, { cause: error });
  }
  const module = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
  const handler = module[name];
  if (typeof handler !== "function") {
    const exported = Object.keys(module).filter((key) => typeof module[key] === "function");
    throw new EngineError(EngineErrorCode.TEST_SOURCE, `${params.file} has no function export named ${name} (it exports: ${exported.join(", ") || "no functions"}). Pass { file, export: "<name>" }.`);
  }
  return handler as LambdaHandler;
}
