// The same durable fixture built by esbuild, Vite, Rollup, webpack and Rspack with the plugin: every
// bundle runs to completion under AWS's emulator with the same result and the same history, and a stack
// trace thrown inside a step maps back to the TypeScript line through each bundler's source map.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLERS, bundle, makeProject, type Bundler, type BundleOutcome } from "./plugin-bundle.ts";
import { runBundle, type BundleRun } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator } from "./support/emulator.ts";

const ORDER = { id: "o-17", lines: [{ sku: "abc", quantity: 2 }, { sku: "de", quantity: 1 }] };
const EXPECTED = { orderId: "o-17", cents: 2 * 399 + 299, receipt: "receipt:o-17:1097" };

let project: string;
const builds = new Map<Bundler, BundleOutcome>();
const runs = new Map<Bundler, BundleRun>();

beforeAll(async () => {
  project = makeProject("bundlers");
  for (const bundler of BUNDLERS) {
    builds.set(bundler, await bundle(bundler, {
      project,
      entry: "src/order.ts",
      outDir: `out/${bundler}`,
      plugin: { manifest: join(project, `out/${bundler}.manifest.json`) },
    }));
  }
  await startEmulator();
});

afterAll(async () => {
  await stopEmulator();
});

describe.each(BUNDLERS)("%s", (bundler) => {
  it("builds the durable fixture without errors or warnings and writes the build manifest", () => {
    const outcome = builds.get(bundler) as BundleOutcome;
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    const code = readFileSync(outcome.file as string, "utf8");
    expect(code).toContain("enterDurable"); // the compiler's output, not the raw source, was bundled
    const manifest = JSON.parse(readFileSync(join(project, `out/${bundler}.manifest.json`), "utf8"));
    expect(manifest.modules.map((m: { file: string }) => m.file)).toEqual(["src/order-steps.ts", "src/order.ts"]);
    expect(manifest.errors).toBe(0);
  });

  it("runs to completion under AWS's emulator", async () => {
    const outcome = await runBundle(builds.get(bundler)?.file as string, "handler", { payload: ORDER });
    runs.set(bundler, outcome);
    expect(outcome.run.error).toBeUndefined();
    expect(outcome.run.status).toBe("SUCCEEDED");
    expect(outcome.run.result).toEqual(EXPECTED);
  });

  it("maps a stack trace from inside a step back to the TypeScript line", () => {
    const source = readFileSync(join(project, "src/order-steps.ts"), "utf8").split("\n");
    const line = source.findIndex((l) => l.includes("throw new Error(`payment declined")) + 1;
    const column = (source[line - 1] as string).indexOf("new Error") + 1; // V8 points at the construction
    const url = pathToFileURL(builds.get(bundler)?.file as string).href;
    const stack = execFileSync(
      process.execPath,
      ["--enable-source-maps", "--input-type=module", "-e", `import(${JSON.stringify(url)}).then((m) => m.failingStep("o-1")).catch((e) => console.log(e.stack))`],
      { encoding: "utf8" },
    );
    expect(stack).toContain("payment declined for o-1");
    expect(stack.split("\n")[1]).toMatch(new RegExp(`src/order-steps\\.ts:${line}:${column}\\)$`));
  });

  // The step above throws from text the compiler leaves in place, so that trace maps right even if
  // the plugin handed back no map at all. A call the compiler rewrote (charge(...) -> __ud.call(...))
  // shifts its arguments' columns: they map back only through the compiler's map composed by the bundler.
  it("maps a call the compiler rewrote back to its TypeScript column", () => {
    const file = builds.get(bundler)?.file as string;
    const code = readFileSync(file, "utf8");
    // The argument `order.id` of callStep("charge", ...), whatever the bundler renamed `order` to or wrapped.
    const found = /callStep\("charge",[^[]*\[\s*(\w+)\.id,\s*cents/.exec(code) as RegExpExecArray;
    const offset = found.index + found[0].indexOf(found[1] as string, found[0].indexOf("["));
    const before = code.slice(0, offset).split("\n");
    const entry = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))).findEntry(before.length - 1, (before.at(-1) as string).length);
    const source = readFileSync(join(project, "src/order.ts"), "utf8").split("\n");
    const tsLine = source.findIndex((l) => l.includes("await charge(order.id, cents)"));
    expect(entry).toMatchObject({ originalSource: expect.stringMatching(/src\/order\.ts$/), originalLine: tsLine, originalColumn: (source[tsLine] as string).indexOf("order.id, cents") });
  });
});

describe("across bundlers", () => {
  it("gives identical histories, operation names and ids included", () => {
    const reference = runs.get("esbuild") as BundleRun;
    expect(reference.history.length).toBeGreaterThan(6);
    const names = reference.history.map((e) => (e as { Name?: string }).Name).filter(Boolean);
    expect(new Set(names)).toEqual(new Set(["subtotal", "price", "sleep", "charge"]));
    for (const bundler of BUNDLERS) {
      expect(runs.get(bundler)?.history, bundler).toEqual(reference.history);
    }
  });
});
