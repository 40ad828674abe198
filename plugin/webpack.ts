// use-durable/webpack: the plugin for webpack. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.webpack;
