// use-durable/rollup: the plugin for rollup. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.rollup;
