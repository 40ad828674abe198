// Rollup with rollup-plugin-esbuild for TypeScript and the use-durable plugin first.
//   npx rollup -c examples/rollup/rollup.config.mjs
import { nodeResolve } from "@rollup/plugin-node-resolve";
import esbuild from "rollup-plugin-esbuild";
import durable from "use-durable/rollup";

const here = import.meta.dirname;

export default {
  input: `${here}/../checkout.ts`,
  output: { dir: `${here}/dist`, format: "es", entryFileNames: "[name].mjs", sourcemap: true },
  external: [/^@aws-sdk\//, /^node:/], // the AWS SDK is provided by the Lambda runtime
  plugins: [
    durable({ root: here, manifest: "dist/use-durable.manifest.json" }), // before the TypeScript transform
    nodeResolve({ extensions: [".ts", ".mjs", ".js"] }),
    esbuild({ target: "node22" }), // durable functions need the nodejs22.x runtime or later
  ],
};
