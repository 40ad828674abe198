// SST v3 `nodejs.plugins`: a module whose default export is the list of esbuild plugins.
import durable from "use-durable/esbuild";

export default [durable({ manifest: ".sst/use-durable.manifest.json" })];
