// The `steps` option reaches the compiler: a library module listed there has its exports run as steps.
// A package in node_modules whose functions carry "use step" is compiled by default: its steps are steps.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundle, makeProject } from "./plugin-bundle.ts";
import { runBundle } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator } from "./support/emulator.ts";

let project: string;
beforeAll(async () => {
  project = makeProject("steps");
  await startEmulator();
});
afterAll(async () => {
  await stopEmulator();
});

const payload = { cents: 1000, currency: "EUR" };

it("runs the exports of a module listed in `steps` as durable steps", async () => {
  const outcome = await bundle("esbuild", {
    project,
    entry: "src/convert.ts",
    outDir: "out/with-steps",
    plugin: { steps: ["./vendor-rates"], manifest: join(project, "out/with-steps.json") },
  });
  expect(outcome.errors).toEqual([]);
  expect(outcome.warnings).toEqual([]);
  const { run } = await runBundle(outcome.file as string, "handler", { payload });
  expect(run.result).toEqual({ cents: 1080 });
  expect(run.operations.map((op) => [op.type, op.name])).toEqual([["STEP", "fetchRate"]]);
});

// Without the option the plugin still reads ./vendor-rates.ts: a plain function, so the call stays
// dispatched at run time (untagged: a plain call) and, being awaited, is reported as a replay hazard.
it("without the option the same call runs as a plain, unrecorded call, with a UD207 warning", async () => {
  const outcome = await bundle("esbuild", {
    project,
    entry: "src/convert.ts",
    outDir: "out/without-steps",
    plugin: { manifest: join(project, "out/without-steps.json") },
  });
  expect(outcome.errors).toEqual([]);
  expect(outcome.warnings).toHaveLength(1);
  expect(outcome.warnings[0]).toMatch(/convert\.ts:7:\d+ UD207 warning: Awaited call `fetchRate`/);
  const { run } = await runBundle(outcome.file as string, "handler", { payload });
  expect(run.result).toEqual({ cents: 1080 });
  expect(run.operations).toEqual([]);
});

it("compiles a \"use step\" package in node_modules by default: its functions are steps, with no warning", async () => {
  const pkg = join(project, "node_modules", "fx-rates");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), `${JSON.stringify({ name: "fx-rates", type: "module", main: "index.js" })}\n`);
  writeFileSync(join(pkg, "index.js"), `export async function fetchRate(currency) {\n  "use step";\n  return currency === "EUR" ? 1.08 : 1;\n}\n`);
  writeFileSync(join(project, "src", "convert-package.ts"), [
    `import { fetchRate } from "fx-rates";`,
    `export async function handler(event: { cents: number; currency: string }) {`,
    `  "use durable";`,
    `  const rate = await fetchRate(event.currency);`,
    `  return { cents: Math.round(event.cents * rate) };`,
    `}`,
  ].join("\n"));
  const outcome = await bundle("esbuild", { project, entry: "src/convert-package.ts", outDir: "out/package-steps", plugin: { manifest: join(project, "out/package-steps.json") } });
  expect(outcome.errors).toEqual([]);
  expect(outcome.warnings).toEqual([]);
  const { run } = await runBundle(outcome.file as string, "handler", { payload });
  expect(run.result).toEqual({ cents: 1080 });
  expect(run.operations.map((op) => [op.type, op.name])).toEqual([["STEP", "fetchRate"]]);
});
