/**
 * The plugins of an execution: those passed as `config.plugins`, then one per module named in
 * DURABLE_EXECUTION_PLUGINS (comma-separated package names or paths, official SDK 2.4), so a
 * tracing plugin can be switched on from a Lambda layer without a code change. Each module must
 * export `durableExecutionPluginProvider` (directly or on its default export) with
 * `pluginApiVersion` 1, a constructable `pluginType` and `createPlugin()`, whose result must be an
 * instance of that type. A module is imported by name first, then resolved from the function's
 * code (LAMBDA_TASK_ROOT, else the working directory; CommonJS resolution also sees layers on
 * NODE_PATH). Any problem is a PluginLoadError naming the module and what to fix; the invocation
 * then answers FAILED, as in the official SDK. Reads the environment and imports; nothing else.
 */
import type { DurableInstrumentationPlugin, DurableInstrumentationPluginProvider } from "./plugin.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { join } = process.getBuiltinModule("node:path");
const { pathToFileURL } = process.getBuiltinModule("node:url");

const VARIABLE = "DURABLE_EXECUTION_PLUGINS";
const PROVIDER = "durableExecutionPluginProvider";

export class PluginLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`Dynamic plugin configuration failed: ${message}`, options);
    this.name = "PluginLoadError";
  }
}

/** `explicit` in order, then each module of DURABLE_EXECUTION_PLUGINS in the order listed. */
export async function loadPlugins(explicit: readonly DurableInstrumentationPlugin[] | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DurableInstrumentationPlugin[]> {
  const plugins = [...(explicit ?? [])];
  const listed = env[VARIABLE]?.trim() ? env[VARIABLE].split(",").map((s) => s.trim()) : [];
  if (listed.some((s, i) => !s || listed.indexOf(s) !== i)) {
    throw new PluginLoadError(`${VARIABLE} must list distinct, non-empty package or module names separated by commas, got ${JSON.stringify(env[VARIABLE])}.`);
  }
  for (const name of listed) {
    const fail = (problem: string, cause?: unknown): never => {
      throw new PluginLoadError(`plugin module '${name}' ${problem}`, { cause });
    };
    let module: any;
    try {
      // Imported at run time on purpose: the comments keep bundlers from resolving (or warning on) it.
      module = await import(/* webpackIgnore: true */ /* @vite-ignore */ name).catch((error: { code?: string }) => {
        if (!/MODULE_NOT_FOUND/.test(error?.code ?? "")) throw error;
        // Not found from the runtime's own location (a bundle): resolve it from the function's code.
        const { createRequire } = process.getBuiltinModule("node:module");
        const resolved = createRequire(join(env["LAMBDA_TASK_ROOT"]?.trim() || process.cwd(), "package.json")).resolve(name);
        return import(/* webpackIgnore: true */ /* @vite-ignore */ pathToFileURL(resolved).href);
      });
    } catch (error) {
      fail(`could not be loaded (${error instanceof Error ? error.message : String(error)}). Install it in the function's code or in a layer under nodejs/node_modules, or fix ${VARIABLE}.`, error);
    }
    const found = [module?.[PROVIDER], module?.default?.[PROVIDER]].filter((p, i, all) => p !== undefined && all.indexOf(p) === i);
    const provider = found[0] as DurableInstrumentationPluginProvider | undefined;
    if (found.length !== 1 || provider?.pluginApiVersion !== 1 || typeof provider.pluginType !== "function" || typeof provider.createPlugin !== "function") {
      fail(
        `must export one ${PROVIDER} = { pluginApiVersion: 1, pluginType: <the plugin class>, createPlugin() } ` +
          `(found ${found.length === 1 ? `pluginApiVersion ${String(provider?.pluginApiVersion)}` : `${found.length} providers`}). Install matching runtime and plugin versions.`,
      );
    }
    let plugin: DurableInstrumentationPlugin | undefined;
    try {
      plugin = provider!.createPlugin();
    } catch (error) {
      fail(`failed to create its plugin: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (!(plugin instanceof (provider!.pluginType as unknown as new () => object))) {
      fail(`declared plugin type '${provider!.pluginType.name}' but createPlugin() made '${(plugin as object | undefined)?.constructor?.name ?? String(plugin)}'.`);
    }
    plugins.push(plugin!);
  }
  return plugins;
}
