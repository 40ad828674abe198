// Rebuilds reuse the plugin instance (esbuild contexts, watch modes, dev servers): an unchanged module
// is not compiled again, yet its diagnostics are reported on every build, and an edited module is
// compiled afresh.
import { context } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import durable from "../plugin/esbuild.ts";
import { makeProject } from "./plugin-bundle.ts";

it("reports diagnostics on every rebuild and recompiles only what changed", async () => {
  const project = makeProject("rebuild");
  const entry = join(project, "src/hazard.ts");
  const outfile = join(project, "out/hazard.mjs");
  const ctx = await context({
    entryPoints: [entry],
    absWorkingDir: project,
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["source"],
    external: ["@aws-sdk/*"],
    logLevel: "silent",
    plugins: [durable({ manifest: "out/manifest.json" })],
  });
  try {
    const first = await ctx.rebuild();
    const second = await ctx.rebuild();
    expect(first.warnings.map((w) => w.text)).toEqual(second.warnings.map((w) => w.text));
    expect(second.warnings[0]?.text).toContain("UD204 warning");
    // Through unplugin esbuild gets file, line and column but not the line's text: the frame is ours, in the text.
    expect(second.warnings[0]?.location).toMatchObject({ file: "src/hazard.ts", line: 6, column: 15 });
    expect(second.warnings[0]?.text).toContain('const salt = randomBytes(4).toString("hex");');

    writeFileSync(entry, readFileSync(entry, "utf8").replace('const salt = randomBytes(4).toString("hex");', "const salt = event.n * 2;"));
    const third = await ctx.rebuild();
    expect(third.warnings).toEqual([]);
    expect(readFileSync(outfile, "utf8")).toMatch(/salt = event\d*\.n \* 2/);
    const manifest = JSON.parse(readFileSync(join(project, "out/manifest.json"), "utf8"));
    expect(manifest.warnings).toBe(0);
    expect(manifest.modules.map((m: { file: string }) => m.file)).toEqual(["src/hazard.ts"]);

    // esbuild has no watchChange: a module that loses its directive must still leave the manifest.
    writeFileSync(entry, readFileSync(entry, "utf8").replace(/["']use durable["'];?/g, ""));
    await ctx.rebuild();
    expect(JSON.parse(readFileSync(join(project, "out/manifest.json"), "utf8")).modules).toEqual([]);
  } finally {
    await ctx.dispose();
  }
});
