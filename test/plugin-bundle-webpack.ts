// webpack 5 (esbuild-loader for TypeScript) and Rspack 2 (builtin:swc-loader) emitting an ES module for
// Node 22, as a user configures them for a Lambda: see test/plugin-bundle.ts.
import durableRspack from "../plugin/rspack.ts";
import durableWebpack from "../plugin/webpack.ts";
import { AWS_SDK, CONDITIONS, type BundleOutcome, type BundleRequest } from "./plugin-bundle.ts";

interface StatsLike {
  compilation: { errors: Array<{ message: string }>; warnings: Array<{ message: string }> };
}

export async function bundleWebpackLike(
  bundler: "webpack" | "rspack",
  req: BundleRequest,
  entry: string,
  outDir: string,
  name: string,
): Promise<BundleOutcome> {
  const tsRule =
    bundler === "webpack"
      ? { test: /\.[cm]?ts$/, loader: "esbuild-loader", options: { target: "node22" } }
      : {
          test: /\.[cm]?ts$/,
          loader: "builtin:swc-loader",
          options: { jsc: { parser: { syntax: "typescript" }, target: "es2022" } },
          type: "javascript/auto",
        };
  const plugin = req.plugin === false ? [] : [bundler === "webpack" ? durableWebpack(req.plugin) : durableRspack(req.plugin)];
  const config = {
    mode: "none" as const,
    context: req.project,
    target: "node22",
    entry: { [name]: entry },
    devtool: "source-map" as const,
    output: { path: outDir, filename: "[name].mjs", module: true, chunkFormat: "module" as const, library: { type: "module" } },
    experiments: { outputModule: true },
    externalsType: "module" as const,
    externals: [AWS_SDK],
    resolve: { extensions: [".ts", ".mjs", ".js"], conditionNames: CONDITIONS },
    module: { rules: [tsRule] },
    optimization: { minimize: false },
    plugins: plugin,
  };
  const compiler =
    bundler === "webpack"
      ? (await import("webpack")).default(config as never)
      : (await import("@rspack/core")).rspack(config as never);
  const stats = await new Promise<StatsLike>((resolvePromise, reject) => {
    (compiler as { run(cb: (err: Error | null, stats?: unknown) => void): void }).run((err, s) => {
      if (err) reject(err);
      else resolvePromise(s as StatsLike);
    });
  });
  await new Promise<void>((r) => (compiler as { close(cb: () => void): void }).close(() => r()));
  return {
    errors: stats.compilation.errors.map((e) => e.message),
    warnings: stats.compilation.warnings.map((w) => w.message),
  };
}
