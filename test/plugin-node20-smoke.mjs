// Smoke test of the built package (dist/) on the oldest Node the package supports (engines: >=20.19),
// run by .ci/run with the machine's own node, outside the Node 22 test suite:
//   npm run build && node test/plugin-node20-smoke.mjs
// It builds the plugin fixtures the way a user's build does: the esbuild plugin imported from
// `use-durable/esbuild`, then the `use-durable build` command, both resolving the package's dist/.
// Plain JavaScript on purpose: Node 20 cannot run TypeScript.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

const [major, minor] = process.versions.node.split(".").map(Number);
console.log(`use-durable plugin smoke test on Node ${process.versions.node}`);
check(major > 20 || (major === 20 && minor >= 19), "node is 20.19 or later (package.json engines)");
if (!existsSync(join(repo, "dist/plugin/esbuild.js"))) {
  console.error("dist/ is missing: run `npm run build` first.");
  process.exit(1);
}

// A user's project: sources plus node_modules/use-durable (a link to this package).
const project = join(repo, ".tmp", "plugin-node20");
rmSync(project, { recursive: true, force: true });
mkdirSync(join(project, "node_modules"), { recursive: true });
cpSync(join(repo, "test/plugin-fixtures"), join(project, "src"), { recursive: true });
symlinkSync(repo, join(project, "node_modules/use-durable"), "dir");
writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "node20-smoke", private: true, type: "module" })}\n`);

// 1. The esbuild plugin through the package's export, as `import durable from "use-durable/esbuild"`.
const { default: durable } = await import("use-durable/esbuild");
const result = await build({
  entryPoints: [join(project, "src/order.ts")],
  absWorkingDir: project,
  outdir: join(project, "out/plugin"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "linked",
  external: ["@aws-sdk/*"],
  logLevel: "silent",
  plugins: [durable({ manifest: "out/plugin/manifest.json" })],
});
check(result.errors.length === 0 && result.warnings.length === 0, "esbuild + use-durable/esbuild builds the fixture cleanly");
const bundle = readFileSync(join(project, "out/plugin/order.mjs"), "utf8");
check(bundle.includes("enterDurable(handler") && bundle.includes("registerStep("), "the bundle holds compiled durable and step functions");
const manifest = JSON.parse(readFileSync(join(project, "out/plugin/manifest.json"), "utf8"));
check(
  JSON.stringify(manifest.modules.map((m) => m.file)) === JSON.stringify(["src/order-steps.ts", "src/order.ts"]),
  "the build manifest lists both modules, relative to the project",
);
const handlerCalls = manifest.modules[1]?.durable.find((d) => d.name === "handler")?.calls.map((c) => `${c.kind}:${c.name}`);
check(JSON.stringify(handlerCalls) === JSON.stringify(["durable:subtotal", "intrinsic:sleep", "step:failingStep", "step:charge"]), "steps imported from ./order-steps.ts are resolved at build time");

// 2. The command, run the way npm runs a package bin.
const cli = (...args) => spawnSync(process.execPath, [join(repo, "dist/cli/main.js"), ...args], { cwd: project, encoding: "utf8" });
const ok = cli("build", "src/order.ts", "--outdir", "out/cli");
check(ok.status === 0 && existsSync(join(project, "out/cli/order.mjs")) && existsSync(join(project, "out/cli/order.mjs.map")), "use-durable build src/order.ts exits 0 with bundle and map");
check(existsSync(join(project, "out/cli/use-durable.manifest.json")), "use-durable build writes the manifest");
const bad = cli("build", "src/misspelt.ts", "--outdir", "out/bad");
// esbuild prints the message, then the location the plugin gave it (a 0-based column, as esbuild shows them).
check(bad.status === 1 && bad.stderr.includes("UD101 error") && bad.stderr.includes("src/misspelt.ts:3:2:"), "a compile error fails the command with file:line:col");

// 3. The engine and the test runner need Node 22.13 (node:sqlite): on an older Node every entry point
// refuses at once, saying so (on a newer one they start).
const { createEngine } = await import("use-durable/engine");
const { LocalDurableTestRunner } = await import("use-durable/testing");
const tooOld = major < 22 || (major === 22 && minor < 13);
const refusal = async (start) => {
  try {
    await start();
    return undefined;
  } catch (error) {
    return error;
  }
};
for (const [what, start] of [
  ["createEngine()", async () => (await createEngine({ database: ":memory:" })).close()],
  ["LocalDurableTestRunner.setupTestEnvironment()", () => LocalDurableTestRunner.setupTestEnvironment()],
  ["new LocalDurableTestRunner()", async () => new LocalDurableTestRunner({ handlerFunction: async () => ({ Status: "SUCCEEDED" }) })],
]) {
  const error = await refusal(start);
  check(
    tooOld ? error?.code === "UD_ENGINE_NODE" && /needs Node 22\.13\.0 or later/.test(error.message) : error === undefined,
    tooOld ? `${what} refuses Node ${process.versions.node} with UD_ENGINE_NODE` : `${what} starts on Node ${process.versions.node}`,
  );
}

rmSync(project, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`${failures.length} smoke check(s) failed`);
  process.exit(1);
}
console.log("all smoke checks passed");
