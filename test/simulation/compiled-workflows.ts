/**
 * The compiled subjects of the simulation: compiled-programs.ts compiled by `compile()` and bundled
 * with esbuild (the runtime bundled in from source), once per process, then each exported durable
 * function run as a Lambda handler. The bundle reaches the simulation through `globalThis.__udSim`,
 * which each invocation points at that run's effect counters.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { compile } from "../../compiler/index.ts";
import type { Effects } from "./workflows.ts";
import { simHooks } from "./fault-client.ts";
import type { SimHandler } from "./lambda-driver.ts";
import type { World } from "./service-model.ts";

export interface CompiledWorkflow {
  name: string;
  input: unknown;
  world: World;
  handler: (effects: Effects) => SimHandler;
}

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const source = join(root, "test/simulation/compiled-programs.ts");

const useDurableFromSource: Plugin = {
  name: "use-durable-source",
  setup(b) {
    b.onResolve({ filter: /^use-durable(\/internal)?$/ }, (args) => ({
      path: join(root, args.path === "use-durable/internal" ? "runtime/internal.ts" : "runtime/index.ts"),
    }));
    b.onLoad({ filter: /compiled-programs\.ts$/ }, (args) => {
      const result = compile(readFileSync(args.path, "utf8"), args.path, { root });
      const errors = result?.diagnostics.filter((d) => d.severity === "error") ?? [];
      if (!result || errors.length > 0) return { errors: errors.map((d) => ({ text: `${d.code} ${d.message}` })) };
      return { contents: result.code, loader: "ts" };
    });
  },
};

const world = (callbacks: Record<string, string | "never">): World => ({
  callback(op, parent) {
    const answer = callbacks[op.Name ?? ""] ?? callbacks[parent?.Name ?? ""] ?? "never";
    return answer === "never" ? "never" : { afterSeconds: 20, result: answer };
  },
  invoke: () => ({ afterSeconds: 1, error: { ErrorType: "TargetError", ErrorMessage: "no targets here" } }),
});

let loaded: Promise<CompiledWorkflow[]> | undefined;

export function compiledWorkflows(): Promise<CompiledWorkflow[]> {
  loaded ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "ud-simulation-"));
    const outfile = join(dir, "programs.mjs");
    try {
      await build({
        entryPoints: [source], outfile, bundle: true, format: "esm", platform: "node", target: "node22",
        logLevel: "silent", external: ["@aws-sdk/client-lambda"], plugins: [useDurableFromSource],
      });
      const programs = (await import(pathToFileURL(outfile).href)) as Record<string, SimHandler>;
      const subject = (name: string, input: unknown, callbacks: Record<string, string | "never">): CompiledWorkflow => ({
        name, input, world: world(callbacks),
        handler: (effects) => (event, lambdaContext) => {
          (globalThis as { __udSim?: unknown }).__udSim = { point: simHooks.point, effect: effects.run.bind(effects) };
          return programs[name]!(event, lambdaContext);
        },
      });
      return [
        subject("orders", { items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 4 }, { sku: "c", qty: 2 }] }, { waitForCallback: "\"approved\"" }),
        subject("loops", { n: 6 }, { createCallback: "never" }),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}
