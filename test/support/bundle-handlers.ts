/**
 * Builds small handler sources (importing "use-durable") into ES module bundles with esbuild, for
 * tests that register bundles with an engine (worker threads, engine child processes).
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export async function bundleHandlers(dir: string, sources: Record<string, string>): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, `import { withDurableExecution } from "use-durable";\n${source}\n`);
    out[name] = join(dir, `${name}.mjs`);
    await build({ entryPoints: [file], outfile: out[name], bundle: true, platform: "node", format: "esm", target: "node22", conditions: ["source"], external: ["@aws-sdk/*"], logLevel: "silent" });
  }
  return out;
}
