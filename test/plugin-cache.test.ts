// The persistent compile cache (plugin/disk-cache.ts): a new plugin instance (a new process, as a
// one-shot `use-durable build`) reuses what an earlier build stored under .use-durable/cache, and only
// while the module's text, the options, what its imports export and the compiler are unchanged. To see
// that an entry is really read, the tests plant a marker in a stored value: it shows up in the output
// only when the cache answered.
import { build } from "esbuild";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import durable from "../plugin/esbuild.ts";
import type { Options } from "../plugin/options.ts";
import { makeProject } from "./plugin-bundle.ts";

async function buildEntry(project: string, entry: string, options: Options = {}): Promise<{ code: string; warnings: string[] }> {
  const result = await build({
    entryPoints: [join(project, entry)],
    absWorkingDir: project,
    bundle: true,
    write: false,
    outdir: join(project, "out"),
    sourcemap: "external",
    platform: "node",
    format: "esm",
    conditions: ["source"],
    // The runtime stays out, so the compiled calls read as emitted (__ud.callStep(...), numbered when two modules import it).
    external: ["@aws-sdk/*", "use-durable", "use-durable/*"],
    logLevel: "silent",
    plugins: [durable({ manifest: false, ...options })],
  });
  return { code: result.outputFiles.find((f) => f.path.endsWith(".js"))!.text, warnings: result.warnings.map((w) => w.text) };
}

const cacheDir = (project: string) => join(project, ".use-durable/cache");
const entries = (project: string, kind: string) => readdirSync(cacheDir(project)).filter((f) => f.startsWith(`${kind}-`));

/** Rewrites every stored compile output of `project`, as a later build would read it. */
function plant(project: string, edit: (code: string) => string): void {
  for (const name of entries(project, "compile")) {
    const file = join(cacheDir(project), name);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { key: string; value: { code: string } | null };
    if (entry.value) entry.value.code = edit(entry.value.code);
    writeFileSync(file, JSON.stringify(entry));
  }
}

it("a new plugin instance reuses the stored output of an unchanged module", async () => {
  const project = makeProject("cache-reuse");
  const first = await buildEntry(project, "src/order.ts");
  expect(first.code).toMatch(/__ud\d*\.callStep\(/);
  expect(entries(project, "compile")).toHaveLength(2); // order.ts and order-steps.ts (its steps get tags)
  expect(readFileSync(join(cacheDir(project), ".gitignore"), "utf8")).toContain("*");

  plant(project, (code) => code.replace("return { orderId", 'globalThis.fromCache = "planted";\n  return { orderId'));
  const second = await buildEntry(project, "src/order.ts");
  expect(second.code).toContain('"planted"');
});

it("edited text, other options or a changed import make the stored output unusable", async () => {
  const project = makeProject("cache-keys");
  await buildEntry(project, "src/order.ts");
  const marker = (code: string) => code.replace("return { orderId", 'globalThis.fromCache = "planted";\n  return { orderId');

  plant(project, marker);
  expect((await buildEntry(project, "src/order.ts", { strict: true })).code).not.toContain('"planted"');

  plant(project, marker);
  expect((await buildEntry(project, "src/order.ts", { steps: ["some-lib"] })).code).not.toContain('"planted"');

  plant(project, marker);
  const order = join(project, "src/order.ts");
  writeFileSync(order, readFileSync(order, "utf8").replace("minutes: 5", "minutes: 6"));
  const edited = await buildEntry(project, "src/order.ts");
  expect(edited.code).not.toContain('"planted"');
  expect(edited.code).toContain("minutes: 6");

  // An imported step stops being a step: the importer must not keep calling it with callStep.
  plant(project, marker);
  const steps = join(project, "src/order-steps.ts");
  writeFileSync(steps, readFileSync(steps, "utf8").replace(/(export async function charge\([^)]*\)[^{]*\{)\s*"use step";/, "$1"));
  const changedImport = await buildEntry(project, "src/order.ts");
  expect(changedImport.code).not.toContain('"planted"');
  expect(changedImport.code).toMatch(/__ud\d*\.call\("charge", charge,/);
});

it("summaries of imported modules come from the cache too", async () => {
  const project = makeProject("cache-summaries");
  const first = await buildEntry(project, "src/imports/checkout.ts");
  expect(first.code).toMatch(/__ud\d*\.callStep\("reserve", reserve,/);
  const summaries = entries(project, "summary");
  expect(summaries.length).toBeGreaterThanOrEqual(2); // index.ts (a barrel) and activities.ts

  // A stored summary that calls `reserve` a plain function is believed (the text is unchanged) ...
  for (const name of summaries) {
    const file = join(cacheDir(project), name);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { key: string; value: { exports: Record<string, unknown> } };
    if (entry.value.exports.reserve === "step") entry.value.exports.reserve = "function";
    writeFileSync(file, JSON.stringify(entry));
  }
  for (const name of entries(project, "compile")) writeFileSync(join(cacheDir(project), name), "{}");
  expect((await buildEntry(project, "src/imports/checkout.ts")).code).toMatch(/__ud\d*\.call\("reserve", reserve,/);
  // ... and dropped as soon as the module's text changes.
  const activities = join(project, "src/imports/activities.ts");
  writeFileSync(activities, `${readFileSync(activities, "utf8")}\n// edited\n`);
  expect((await buildEntry(project, "src/imports/checkout.ts")).code).toMatch(/__ud\d*\.callStep\("reserve", reserve,/);
});

it("a damaged entry is a miss, and cache: false stores nothing", async () => {
  const project = makeProject("cache-damaged");
  const clean = await buildEntry(project, "src/order.ts");
  for (const name of entries(project, "compile")) writeFileSync(join(cacheDir(project), name), "{not json");
  expect((await buildEntry(project, "src/order.ts")).code).toBe(clean.code);

  const off = makeProject("cache-off");
  expect((await buildEntry(off, "src/order.ts", { cache: false })).code).toMatch(/__ud\d*\.callStep\(/);
  expect(() => readdirSync(cacheDir(off))).toThrow(/ENOENT/);
});

it("a cache folder that cannot be written leaves the build as it would be without one", async () => {
  const project = makeProject("cache-unwritable");
  writeFileSync(join(project, "blocked"), "a file where the cache folder would go\n");
  const built = await buildEntry(project, "src/hazard.ts", { cache: "blocked/cache" });
  expect(built.code).toMatch(/__ud\d*\./);
  expect(built.warnings.join("\n")).toContain("UD204");
});

it("diagnostics are reported again from a stored entry", async () => {
  const project = makeProject("cache-diagnostics");
  const first = await buildEntry(project, "src/hazard.ts");
  plant(project, (code) => `${code}\nglobalThis.fromCache = "planted";\n`);
  const second = await buildEntry(project, "src/hazard.ts");
  expect(second.code).toContain('"planted"');
  expect(second.warnings).toEqual(first.warnings);
  expect(second.warnings.join("\n")).toContain("UD204");
});
