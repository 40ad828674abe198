// Diagnostics reach each bundler through its own warning and error API with file:line:col, the code,
// the frame and the fix; an error fails the build; the manifest is written either way.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLERS, bundle, makeProject } from "./plugin-bundle.ts";

let project: string;
beforeAll(() => {
  project = makeProject("diagnostics");
});

const manifestOf = (name: string) => JSON.parse(readFileSync(join(project, "out", `${name}.json`), "utf8"));

describe.each(BUNDLERS)("%s", (bundler) => {
  it("shows a replay hazard as a warning at file:line:col and still builds", async () => {
    const outcome = await bundle(bundler, {
      project,
      entry: "src/hazard.ts",
      outDir: `out/${bundler}-hazard`,
      plugin: { manifest: join(project, "out", `${bundler}-hazard.json`) },
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.file).toBeDefined();
    expect(outcome.warnings).toHaveLength(1);
    const warning = outcome.warnings[0] as string;
    expect(warning).toContain("src/hazard.ts:6:16 UD204 warning: `randomBytes()`");
    expect(warning).toContain("> 6 |   const salt = randomBytes(4).toString(\"hex\");");
    expect(warning).toContain("fix: ");
    const manifest = manifestOf(`${bundler}-hazard`);
    expect(manifest).toMatchObject({ errors: 0, warnings: 1 });
    expect(manifest.modules[0].diagnostics.map((d: { code: string; severity: string }) => `${d.code} ${d.severity}`)).toEqual(["UD204 warning", "UD201 note"]);
  });

  it("fails the build on a compile error, says where and how to fix it, and still writes the manifest", async () => {
    const outcome = await bundle(bundler, {
      project,
      entry: "src/misspelt.ts",
      outDir: `out/${bundler}-misspelt`,
      plugin: { manifest: join(project, "out", `${bundler}-misspelt.json`) },
    });
    expect(outcome.file).toBeUndefined();
    expect(outcome.errors).toHaveLength(1);
    const error = outcome.errors[0] as string;
    expect(error).toContain('src/misspelt.ts:3:3 UD101 error: Unknown directive "use durabel". Did you mean "use durable"?');
    expect(error).toContain("fix: ");
    const manifest = manifestOf(`${bundler}-misspelt`);
    expect(manifest.errors).toBe(1);
    expect(manifest.modules[0].file).toBe("src/misspelt.ts");
    expect(manifest.modules[0].diagnostics[0].code).toBe("UD101");
  });
});

it("strict: true turns the hazard into an error that fails the build", async () => {
  const outcome = await bundle("esbuild", {
    project,
    entry: "src/hazard.ts",
    outDir: "out/esbuild-strict",
    plugin: { strict: true, manifest: join(project, "out", "esbuild-strict.json") },
  });
  expect(outcome.file).toBeUndefined();
  expect(outcome.warnings).toEqual([]);
  expect(outcome.errors).toHaveLength(1);
  expect(outcome.errors[0]).toContain("src/hazard.ts:6:16 UD204 error:");
});
