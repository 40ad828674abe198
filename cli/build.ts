// `use-durable build`: bundles Lambda handlers with esbuild and the use-durable plugin, for tools that
// cannot take esbuild plugins themselves (CDK's NodejsFunction, SAM, plain zip deploys). What the
// bundle looks like is decided in plugin/lambda-bundle.ts, shared with run and dev: node22, ESM (.mjs, so Lambda loads it as a module without a
// package.json), @aws-sdk/* left to the Lambda runtime, linked source maps, one manifest per build.

import { build, type BuildResult, type Message } from "esbuild";
import { resolve } from "node:path";
import durable from "../plugin/esbuild.ts";
import { LAMBDA_BUNDLE } from "../plugin/lambda-bundle.ts";

export interface BuildOptions {
  /** Handler source files, e.g. src/checkout.ts. */
  entries: string[];
  /** Relative to the current directory, like the entries. @default "dist" */
  outdir?: string;
  /** Root for operation names and manifest paths. @default process.cwd() */
  root?: string;
  /** Replay hazards become errors. @default false */
  strict?: boolean;
  /** Modules whose exports are all steps. @default [] */
  steps?: string[];
  /** Extra package.json export conditions to resolve with. @default [] */
  conditions?: string[];
  /** Minify the bundle (source maps still point at the TypeScript). @default false */
  minify?: boolean;
  /** Print esbuild's errors and warnings. @default "warning" */
  logLevel?: "silent" | "error" | "warning" | "info";
}

export interface BuildOutcome {
  ok: boolean;
  /** Absolute paths of the emitted .mjs bundles. */
  bundles: string[];
  /** Absolute path of the manifest (written even when the build failed). */
  manifest: string;
  errors: Message[];
  warnings: Message[];
}

export const DEFAULT_OUTDIR = "dist";
export const MANIFEST_FILE = "use-durable.manifest.json";

export async function buildLambdas(options: BuildOptions): Promise<BuildOutcome> {
  const cwd = process.cwd();
  const root = resolve(options.root ?? cwd);
  const outdir = resolve(cwd, options.outdir ?? DEFAULT_OUTDIR);
  const manifest = resolve(outdir, MANIFEST_FILE);
  let result: BuildResult<{ metafile: true }>;
  try {
    result = await build({
      entryPoints: options.entries.map((e) => resolve(cwd, e)),
      absWorkingDir: cwd,
      outdir,
      ...LAMBDA_BUNDLE,
      external: [...LAMBDA_BUNDLE.external],
      outExtension: { ".js": ".mjs" },
      ...(options.conditions?.length ? { conditions: options.conditions } : {}),
      sourcemap: "linked",
      minify: options.minify ?? false,
      metafile: true,
      logLevel: options.logLevel ?? "warning",
      plugins: [durable({ root, strict: options.strict ?? false, steps: options.steps ?? [], manifest })],
    });
  } catch (error) {
    // esbuild throws on errors after logging them; the manifest has been written by then.
    const failure = error as { errors?: Message[]; warnings?: Message[] };
    if (!Array.isArray(failure.errors)) throw error;
    return { ok: false, bundles: [], manifest, errors: failure.errors, warnings: failure.warnings ?? [] };
  }
  const bundles = Object.keys(result.metafile.outputs)
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => resolve(cwd, f));
  return { ok: true, bundles, manifest, errors: result.errors, warnings: result.warnings };
}
