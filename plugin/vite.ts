// use-durable/vite: the plugin for vite. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.vite;
