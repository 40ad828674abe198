// A module without a directive must come out of every bundler exactly as it would without the plugin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLERS, bundle, makeProject } from "./plugin-bundle.ts";

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
