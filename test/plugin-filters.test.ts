// include / exclude decide which modules the compiler sees, on both esbuild paths: the plugin's own
// onLoad (RegExp patterns) and unplugin's transform (glob strings).
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import type { Options } from "../plugin/options.ts";
import { bundle, makeProject } from "./plugin-bundle.ts";

let project: string;
beforeAll(() => {
  project = makeProject("filters");
});

async function compiledParts(name: string, plugin: Options) {
  const outcome = await bundle("esbuild", { project, entry: "src/order.ts", outDir: `out/${name}`, plugin: { manifest: false, ...plugin } });
  expect(outcome.errors).toEqual([]);
  const code = readFileSync(outcome.file as string, "utf8");
  return { handler: code.includes("enterDurable(handler"), steps: /registerStep\(price\b/.test(code) };
}

it.each([
  ["defaults", {}, { handler: true, steps: true }],
  ["exclude as a RegExp", { exclude: [/order-steps/] }, { handler: true, steps: false }],
  ["include as a RegExp", { include: [/order-steps\.ts$/] }, { handler: false, steps: true }],
  ["include as a glob", { include: ["**/src/order-steps.ts"] }, { handler: false, steps: true }],
  ["exclude as a glob", { exclude: ["**/order-steps.ts"] }, { handler: true, steps: false }],
] as const)("%s", async (name, plugin, expected) => {
  expect(await compiledParts(name.replace(/ /g, "-"), plugin as Options)).toEqual(expected);
});
