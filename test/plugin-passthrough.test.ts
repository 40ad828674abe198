// A module without a directive must come out of every bundler exactly as it would without the plugin.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLERS, bundle, makeProject, REPO } from "./plugin-bundle.ts";

let project: string;
beforeAll(() => {
  project = makeProject("passthrough");
});

describe.each(BUNDLERS)("%s", (bundler) => {
  it("builds a module without a directive byte for byte as a build without the plugin does", async () => {
    const entry = "src/plain.ts";
    const without = await bundle(bundler, { project, entry, outDir: `out/${bundler}-without`, plugin: false });
    const withPlugin = await bundle(bundler, { project, entry, outDir: `out/${bundler}-with`, plugin: { manifest: join(project, `out/${bundler}-manifest.json`) } });
    expect(without.errors).toEqual([]);
    expect(withPlugin.errors).toEqual([]);
    expect(withPlugin.warnings).toEqual([]);
    const code = readFileSync(withPlugin.file as string, "utf8");
    expect(code).toContain("use-durable is not imported here");
    expect(code).toBe(readFileSync(without.file as string, "utf8"));
    expect(readFileSync(`${withPlugin.file}.map`, "utf8")).toBe(readFileSync(`${without.file}.map`, "utf8"));
    // The manifest is written for every build, listing no module when none is durable.
    const manifest = JSON.parse(readFileSync(join(project, `out/${bundler}-manifest.json`), "utf8"));
    expect(manifest).toEqual({ version: 1, root: ".", modules: [], errors: 0, warnings: 0 });
  });
});

it("a build without durable code never loads TypeScript; the first durable module does, on the compile thread", () => {
  // A fresh process, so nothing loaded by other tests counts. TypeScript loads on the compile thread
  // (plugin/compile-thread.ts), never in the bundler's own.
  const script = `
    import { build } from "esbuild";
    import { createRequire } from "node:module";
    import durable from "use-durable/esbuild";
    const { compileThreadStarted } = await import(${JSON.stringify(join(REPO, "plugin/compile-thread.ts"))});
    const tsHere = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]typescript[\\\\/]/.test(k));
    const options = { bundle: true, write: false, platform: "node", format: "esm", conditions: ["source"], logLevel: "silent" };
    await build({ ...options, entryPoints: ["src/plain-format.ts"], plugins: [durable({ manifest: false })] });
    const afterPlain = { thread: compileThreadStarted(), here: tsHere() };
    await build({ ...options, entryPoints: ["src/order-steps.ts"], plugins: [durable({ manifest: false, cache: false })] });
    console.log(JSON.stringify({ afterPlain, afterDurable: { thread: compileThreadStarted(), here: tsHere() } }));`;
  const out = execFileSync(process.execPath, ["--conditions=source", "--input-type=module", "-e", script], { cwd: project, encoding: "utf8" });
  expect(JSON.parse(out)).toEqual({ afterPlain: { thread: false, here: false }, afterDurable: { thread: true, here: false } });
});
