// Steps imported from another module (through a re-export barrel) are resolved at build time: the
// manifest lists them as steps, the bundle calls callStep directly, and the run under AWS's emulator has
// the same history as the same program compiled module by module with run-time dispatch (the behaviour
// before static resolution). A rebuild picks up an imported module that stops being a step.
import { build, context, type Plugin } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/index.ts";
import durable from "../plugin/esbuild.ts";
import { probeRelative } from "../plugin/import-summaries.ts";
import { compilesId } from "../plugin/module-filter.ts";
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from "../plugin/options.ts";
import { CONDITIONS, bundle, makeProject, type Bundler, type BundleOutcome } from "./plugin-bundle.ts";
import { runBundle } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator } from "./support/emulator.ts";

const ENTRY = "src/imports/checkout.ts";
const ORDER = { id: "o-9", items: ["a", "bb"], cents: 1250 };
const EXPECTED = { reserved: ["reserved:a", "reserved:bb"], receipt: "RECEIPT:O-9:1250", labels: ["shipped:a", "shipped:bb"] };
const BUILT_WITH: Bundler[] = ["esbuild", "rollup", "vite", "webpack"];

interface ManifestCall { kind: string; name: string; branches?: ManifestCall[][] }
interface BuildManifest { modules: Array<{ file: string; durable: Array<{ calls: ManifestCall[] }> }> }

let project: string;
const builds = new Map<Bundler, BundleOutcome>();
let dispatched: string;

/** The behaviour before static resolution: each module compiled alone, imported callees dispatched by tag. */
const perModule: Plugin = {
  name: "compile-per-module",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const code = readFileSync(args.path, "utf8");
      return { contents: compile(code, args.path, { root: project })?.code ?? code, loader: "ts" };
    });
  },
};

function checkoutCalls(bundler: Bundler): ManifestCall[] {
  const manifest = JSON.parse(readFileSync(join(project, `out/${bundler}.manifest.json`), "utf8")) as BuildManifest;
  const module = manifest.modules.find((m) => m.file === ENTRY);
  return module?.durable[0]?.calls ?? [];
}

beforeAll(async () => {
  project = makeProject("imports");
  for (const bundler of BUILT_WITH) {
    builds.set(bundler, await bundle(bundler, { project, entry: ENTRY, outDir: `out/${bundler}`, plugin: { manifest: join(project, `out/${bundler}.manifest.json`) } }));
  }
  dispatched = join(project, "out/dispatched/checkout.mjs");
  await build({ entryPoints: [join(project, ENTRY)], absWorkingDir: project, outfile: dispatched, bundle: true, platform: "node", format: "esm", conditions: CONDITIONS, external: ["@aws-sdk/*"], logLevel: "silent", plugins: [perModule] });
  await startEmulator();
});

afterAll(async () => {
  await stopEmulator();
});

describe.each(BUILT_WITH)("%s", (bundler) => {
  it("lists the imported steps as steps in the build manifest", () => {
    const outcome = builds.get(bundler) as BundleOutcome;
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    const calls = checkoutCalls(bundler);
    expect(calls.map((c) => [c.kind, c.name])).toEqual([["step", "reserve"], ["intrinsic", "sleep"], ["step", "charge"], ["concurrency", "Promise.all"]]);
    expect(calls[3]?.branches?.flat().map((c) => [c.kind, c.name])).toEqual([["step", "acts.shipItem"]]);
  });

  it("emits direct callStep calls, no run-time dispatch", () => {
    const code = readFileSync(builds.get(bundler)?.file as string, "utf8");
    for (const name of ["reserve", "charge", "acts.shipItem"]) expect(code).toMatch(new RegExp(`callStep\\)?\\("${name.replace(".", "\\.")}"`));
    expect(code).not.toMatch(/\bcall\)?\("(reserve|charge|acts\.shipItem)"/);
  });

  it("runs under AWS's emulator with the history of run-time dispatch", async () => {
    const ours = await runBundle(builds.get(bundler)?.file as string, "handler", { payload: ORDER });
    const before = await runBundle(dispatched, "handler", { payload: ORDER });
    expect(ours.run.status).toBe("SUCCEEDED");
    expect(ours.run.result).toEqual(EXPECTED);
    expect(ours.run.operations.filter((o) => o.type === "STEP").map((o) => o.name)).toEqual(["reserve", "charge", "acts.shipItem", "acts.shipItem"]);
    expect(ours.history).toEqual(before.history);
  });
});

it("the per-module (dispatched) bundle really dispatches, so the comparison above means something", () => {
  const code = readFileSync(dispatched, "utf8");
  expect(code).toMatch(/\bcall\)?\("reserve"/);
  expect(code).not.toMatch(/callStep\)?\("reserve"/);
});

it("a rebuild sees an imported module that stops being a step (cache key and watch files)", async () => {
  const root = makeProject("imports-rebuild");
  const manifest = join(root, "out/manifest.json");
  const ctx = await context({ entryPoints: [join(root, ENTRY)], absWorkingDir: root, bundle: true, write: false, outdir: join(root, "out"), platform: "node", format: "esm", conditions: CONDITIONS, external: ["@aws-sdk/*"], logLevel: "silent", metafile: true, plugins: [durable({ manifest })] });
  const kinds = () => (JSON.parse(readFileSync(manifest, "utf8")) as BuildManifest).modules.find((m) => m.file === ENTRY)?.durable[0]?.calls.map((c) => `${c.kind}:${c.name}`);
  try {
    const first = await ctx.rebuild();
    expect(kinds()).toContain("step:charge");
    const activities = join(root, "src/imports/activities.ts");
    writeFileSync(activities, readFileSync(activities, "utf8").replace(`): Promise<string> {\n  "use step";\n  return \`receipt`, `): Promise<string> {\n  return \`receipt`));
    const second = await ctx.rebuild();
    expect(kinds()).toContain("call:charge");
    expect(second.warnings.map((w) => w.text).join("\n")).toMatch(/UD207 warning: Awaited call `charge`/);
    expect(first.warnings).toEqual([]);
  } finally {
    await ctx.dispose();
  }
});

describe("probeRelative", () => {
  it("finds a file as Node and TypeScript's bundler resolution would", () => {
    const importer = join(project, "src/imports/checkout.ts");
    expect(probeRelative("./index", importer)).toBe(join(project, "src/imports/index.ts"));
    expect(probeRelative("./activities.js", importer)).toBe(join(project, "src/imports/activities.ts"));
    expect(probeRelative(".", importer)).toBe(join(project, "src/imports/index.ts"));
    expect(probeRelative("../order", importer)).toBe(join(project, "src/order.ts"));
    expect(probeRelative("./missing", importer)).toBeUndefined();
    expect(probeRelative("lodash", importer)).toBeUndefined();
  });
});

describe("compilesId", () => {
  it("decides RegExp filters as unplugin does and answers false when only a glob could decide", () => {
    expect(compilesId("/p/src/steps.ts", DEFAULT_INCLUDE, DEFAULT_EXCLUDE)).toBe(true);
    expect(compilesId("/p/node_modules/lib/steps.js", DEFAULT_INCLUDE, DEFAULT_EXCLUDE)).toBe(true);
    expect(compilesId("/p/node_modules/use-durable/dist/runtime/index.js", DEFAULT_INCLUDE, DEFAULT_EXCLUDE)).toBe(false);
    expect(compilesId("/p/src/legacy/steps.ts", DEFAULT_INCLUDE, [/legacy/])).toBe(false);
    expect(compilesId("/p/src/steps.ts", ["src/**/*.ts"], DEFAULT_EXCLUDE)).toBe(false);
    expect(compilesId("/p/src/steps.ts", DEFAULT_INCLUDE, ["**/legacy/**"])).toBe(false);
  });
});
