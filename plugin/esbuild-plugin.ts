// use-durable/esbuild without unplugin in the way. With RegExp include/exclude (the defaults) the
// plugin is esbuild-setup.ts's own load hook, and unplugin (about a third of the plugin's start-up:
// bench/plugin.ts) is never loaded, nor is each module's onLoad passed through its dispatcher. Glob
// patterns need unplugin's matcher: then setup loads the unplugin factory and hands the build to it.
// Options are checked when the plugin is created, as every other bundler's entry does.

import type { Plugin } from "esbuild";
import { DurableModules } from "./durable-modules.ts";
import { esbuildSetup } from "./esbuild-setup.ts";
import { PLUGIN_NAME, resolveOptions, type Options } from "./options.ts";

export function esbuildPlugin(options?: Options): Plugin {
  const resolved = resolveOptions(options);
  const isRegExp = (p: string | RegExp): p is RegExp => p instanceof RegExp;
  const include = resolved.include.filter(isRegExp);
  const exclude = resolved.exclude.filter(isRegExp);
  if (include.length === resolved.include.length && exclude.length === resolved.exclude.length) {
    return { name: PLUGIN_NAME, setup: esbuildSetup(new DurableModules(resolved), include, exclude) };
  }
  return {
    name: PLUGIN_NAME,
    async setup(build) {
      const { unplugin } = await import("./index.ts");
      await unplugin.esbuild(options).setup(build);
    },
  };
}
