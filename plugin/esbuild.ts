// use-durable/esbuild: the plugin for esbuild, unplugin's esbuild adapter. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.esbuild;
