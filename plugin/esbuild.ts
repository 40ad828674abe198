// use-durable/esbuild: the plugin for esbuild. See plugin/SPEC.md for options.
export { esbuildPlugin as default } from "./esbuild-plugin.ts";
