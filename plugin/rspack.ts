// use-durable/rspack: the plugin for rspack. See plugin/SPEC.md for options.
import { unplugin } from "./index.ts";

export default unplugin.rspack;
