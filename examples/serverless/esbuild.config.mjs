// Serverless Framework v4 build.esbuild.configFile: a function returning esbuild options, merged with
// the build.esbuild block of serverless.yml (which wins on conflicts).
import durable from "use-durable/esbuild";

export default (/* serverless */) => ({
  external: ["@aws-sdk/*"],
  plugins: [durable({ manifest: ".serverless/use-durable.manifest.json" })],
});
