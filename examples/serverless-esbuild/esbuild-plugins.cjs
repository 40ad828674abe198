// serverless-esbuild `plugins` file: a CommonJS module exporting an array of esbuild plugins.
// use-durable is ESM; require() of it works on Node 20.19+ and 22.12+.
const durable = require("use-durable/esbuild").default;

module.exports = [durable({ manifest: ".esbuild/use-durable.manifest.json" })];
