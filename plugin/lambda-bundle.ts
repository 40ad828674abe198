/**
 * The shape of a Lambda bundle, decided once and shared by build, run, dev and the test runner's
 * source files (engine/testing): node22 ESM with a require shim, @aws-sdk/* left to the Lambda
 * runtime. Callers add entries, output, source maps and plugins. Imports no bundler and no plugin
 * code, so a command can read it before it loads either.
 */
import type { BuildOptions } from "esbuild";

// ESM bundles of CommonJS dependencies call require(); Lambda's ESM loader has none, so give them one.
const REQUIRE_SHIM =
  'import { createRequire as __useDurableCreateRequire } from "node:module"; ' +
  "const require = __useDurableCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLE = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  external: ["@aws-sdk/*"],
  banner: { js: REQUIRE_SHIM },
} as const satisfies BuildOptions;
