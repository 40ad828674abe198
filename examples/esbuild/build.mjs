// Plain esbuild: bundle a durable Lambda handler with the use-durable plugin.
//   node examples/esbuild/build.mjs
import { build } from "esbuild";
import durable from "use-durable/esbuild";

const here = import.meta.dirname;

await build({
  entryPoints: [`${here}/../checkout.ts`],
  outdir: `${here}/dist`,
  outExtension: { ".js": ".mjs" }, // Lambda loads .mjs as an ES module without a package.json
  bundle: true,
  platform: "node",
  target: "node22", // durable functions need the nodejs22.x runtime or later
  format: "esm",
  sourcemap: "linked", // set NODE_OPTIONS=--enable-source-maps on the function to use it
  external: ["@aws-sdk/*"], // provided by the Lambda runtime
  logLevel: "warning",
  plugins: [durable({ root: here, manifest: "dist/use-durable.manifest.json" })],
});
