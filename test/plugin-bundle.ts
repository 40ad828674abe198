// Test harness: builds one entry with a real esbuild, Vite, Rollup, webpack or Rspack, each configured
// the way a user would (TypeScript through the bundler's usual loader, ESM output for Node 22, linked
// source maps, @aws-sdk/* external) with or without the use-durable plugin. Projects live under .tmp/
// with node_modules/use-durable linked to this repository, so `use-durable` and `use-durable/internal`
// resolve through the package's exports map exactly as they would for a user.

import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Options } from "../plugin/options.ts";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = join(REPO, "test", "plugin-fixtures");

export const BUNDLERS = ["esbuild", "vite", "rollup", "webpack", "rspack"] as const;
export type Bundler = (typeof BUNDLERS)[number];

export interface BundleRequest {
  /** Project directory made by makeProject(). */
  project: string;
  /** Entry file, relative to the project. */
  entry: string;
  /** Output directory, relative to the project. */
  outDir: string;
  /** Plugin options, or false for a build without the plugin. */
  plugin: Options | false;
}

export interface BundleOutcome {
  /** Absolute path of the emitted .mjs (absent when the build failed). */
  file?: string;
  errors: string[];
  warnings: string[];
}

/** A fresh project under .tmp/ with the plugin fixtures in src/ and use-durable linked in. */
export function makeProject(name: string): string {
  const dir = join(REPO, ".tmp", `plugin-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(FIXTURES, join(dir, "src"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules", "use-durable"), "dir");
  // Its own package scope: without it the nearest package.json would be this repository's, and
  // `use-durable` would resolve as a self-reference instead of through node_modules.
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `plugin-${name}`, private: true, type: "module" })}\n`);
  return dir;
}

// Our own sources are TypeScript; a user's bundler would read dist/ through the "default" condition.
const CONDITIONS = ["source", "import", "node", "default"];
const AWS_SDK = /^@aws-sdk\//;

export async function bundle(bundler: Bundler, req: BundleRequest): Promise<BundleOutcome> {
  const entry = resolve(req.project, req.entry);
  const outDir = resolve(req.project, req.outDir);
  const name = entry.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  const file = join(outDir, `${name}.mjs`);
  rmSync(outDir, { recursive: true, force: true });
  switch (bundler) {
    case "esbuild":
      return withFile(file, await (await import("./plugin-bundle-esbuild.ts")).bundleEsbuild(req, entry, file));
    case "vite":
      return withFile(file, await (await import("./plugin-bundle-rollup.ts")).bundleVite(req, entry, outDir, name));
    case "rollup":
      return withFile(file, await (await import("./plugin-bundle-rollup.ts")).bundleRollup(req, entry, file));
    case "webpack":
    case "rspack":
      return withFile(file, await (await import("./plugin-bundle-webpack.ts")).bundleWebpackLike(bundler, req, entry, outDir, name));
  }
}

function withFile(file: string, outcome: BundleOutcome): BundleOutcome {
  return outcome.errors.length === 0 ? { ...outcome, file } : outcome;
}

export { CONDITIONS, AWS_SDK };
