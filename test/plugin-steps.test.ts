// The `steps` option reaches the compiler: a library module listed there has its exports run as steps.
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
