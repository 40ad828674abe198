// Rollup (with rollup-plugin-esbuild for TypeScript) and Vite 8 (Rolldown) in SSR/library mode, as a
// user configures them for a Lambda: see test/plugin-bundle.ts.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { builtinModules } from "node:module";
import { rollup, type RollupLog } from "rollup";
import esbuild from "rollup-plugin-esbuild";
import durableRollup from "../plugin/rollup.ts";
import durableVite from "../plugin/vite.ts";
import { AWS_SDK, CONDITIONS, type BundleOutcome, type BundleRequest } from "./plugin-bundle.ts";

const NODE_BUILTINS = [/^node:/, ...builtinModules.map((m) => new RegExp(`^${m}(/|$)`))];

export async function bundleRollup(req: BundleRequest, entry: string, file: string): Promise<BundleOutcome> {
  const warnings: string[] = [];
  try {
    const build = await rollup({
      input: entry,
      external: [AWS_SDK, ...NODE_BUILTINS],
      onwarn: (w: RollupLog) => {
        if (w.plugin === "use-durable") warnings.push(w.message);
      },
      plugins: [
        // Rollup has no root of its own (the plugin falls back to the cwd); a user runs it from the project.
        ...(req.plugin === false ? [] : [durableRollup({ root: req.project, ...req.plugin })]),
        nodeResolve({ exportConditions: CONDITIONS, extensions: [".ts", ".mjs", ".js"] }),
        esbuild({ target: "node22", sourceMap: true }),
      ],
    });
    await build.write({ file, format: "es", sourcemap: true });
    await build.close();
    return { errors: [], warnings };
  } catch (error) {
    return { errors: [(error as Error).message], warnings };
  }
}

export async function bundleVite(req: BundleRequest, entry: string, outDir: string, name: string): Promise<BundleOutcome> {
  const { build } = await import("vite");
  const warnings: string[] = [];
  try {
    await build({
      configFile: false,
      root: req.project,
      logLevel: "silent",
      plugins: req.plugin === false ? [] : [durableVite(req.plugin)],
      resolve: { conditions: CONDITIONS },
      ssr: { noExternal: true, resolve: { conditions: CONDITIONS, externalConditions: CONDITIONS } },
      build: {
        ssr: entry,
        outDir,
        emptyOutDir: true,
        target: "node22",
        minify: false,
        sourcemap: true,
        rolldownOptions: {
          external: [AWS_SDK],
          onwarn: (w) => {
            if (w.plugin === "use-durable") warnings.push(w.message);
          },
          output: { format: "es", entryFileNames: `${name}.mjs` },
        },
      },
    });
    return { errors: [], warnings };
  } catch (error) {
    return { errors: [(error as Error).message], warnings };
  }
}
