// use-durable/esbuild: the plugin for esbuild. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.esbuild;
