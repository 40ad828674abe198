// The packaging recipes under examples/, run the way their tools run them, against this package built
// fresh with tsc into a throwaway node_modules/use-durable (what a user installs). Tools that are not
// dependencies here (CDK, SAM, Serverless, SST) are stood in for by the step they delegate to: the
// `use-durable build` command, a Makefile target, or esbuild called with the plugins file they load.
// Every bundle produced is then run to completion under AWS's emulator, approver included.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";
import { runBundle } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator, WaitingOperationStatus } from "./support/emulator.ts";

const root = join(REPO, ".tmp", "plugin-recipes");
const pkg = join(root, "node_modules", "use-durable");
const cliCommand = `node ${join(pkg, "dist/cli/main.js")}`;

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

// The recipe scripts run under the test's Node 22 with the package resolved from node_modules.
const node = (...args: string[]) => run(process.execPath, args);

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(pkg, { recursive: true });
  const tsc = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(REPO, "tsconfig.build.json"), "--outDir", join(pkg, "dist")], { encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  cpSync(join(REPO, "package.json"), join(pkg, "package.json"));
  cpSync(join(REPO, "examples"), join(root, "examples"), { recursive: true });
  // The user's project is its own package scope; otherwise `use-durable` would resolve as a
  // self-reference to this repository (and its possibly stale dist/) instead of node_modules.
  writeFileSync(join(root, "package.json"), `${JSON.stringify({ name: "recipes-project", private: true, type: "module" })}\n`);
  await startEmulator();
}, 120_000);

afterAll(async () => {
  await stopEmulator();
});

const ORDER = { id: "ord-7", card: "4000000000000002", totalCents: 180_000, items: [{ sku: "desk", quantity: 1 }, { sku: "lamp", quantity: 2 }] };

async function expectRunnableCheckout(bundle: string) {
  expect(existsSync(bundle), bundle).toBe(true);
  const code = readFileSync(bundle, "utf8");
  expect(code).toContain("enterDurable(handler"); // compiled by the plugin, not bundled raw
  const { run: result } = await runBundle(bundle, "handler", {
    payload: ORDER,
    hooks: [{ name: "waitForCallback", when: WaitingOperationStatus.SUBMITTED, act: (op) => op.sendCallbackSuccess("approved") }],
  });
  expect(result.error).toBeUndefined();
  expect(result.status).toBe("SUCCEEDED");
  expect(result.result).toMatchObject({ status: "shipped", orderId: "ord-7", receipt: { cents: 180_000 } });
}

const manifestFiles = (path: string) =>
  (JSON.parse(readFileSync(path, "utf8")) as { modules: Array<{ file: string }> }).modules.map((m) => m.file);

describe("bundler recipes", () => {
  it("plain esbuild script: node examples/esbuild/build.mjs", async () => {
    const { code, out } = node("examples/esbuild/build.mjs");
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(manifestFiles(join(root, "examples/esbuild/dist/use-durable.manifest.json"))).toEqual(["activities.ts", "checkout.ts"]);
    await expectRunnableCheckout(join(root, "examples/esbuild/dist/checkout.mjs"));
  });

  it("Vite: vite build --config examples/vite/vite.config.ts", async () => {
    const { code, out } = node(join(REPO, "node_modules/vite/bin/vite.js"), "build", "--config", "examples/vite/vite.config.ts", "--logLevel", "warn");
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(existsSync(join(root, "examples/vite/dist/use-durable.manifest.json"))).toBe(true);
    await expectRunnableCheckout(join(root, "examples/vite/dist/checkout.mjs"));
  });

  it("Rollup: rollup -c examples/rollup/rollup.config.mjs", async () => {
    const { code, out } = node(join(REPO, "node_modules/rollup/dist/bin/rollup"), "-c", "examples/rollup/rollup.config.mjs", "--silent");
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(manifestFiles(join(root, "examples/rollup/dist/use-durable.manifest.json"))).toEqual(["activities.ts", "checkout.ts"]);
    await expectRunnableCheckout(join(root, "examples/rollup/dist/checkout.mjs"));
  });
});

describe("deployment recipes", () => {
  it("AWS CDK: examples/cdk/build.sh makes the asset that Code.fromAsset deploys", async () => {
    const { code, out } = run("sh", ["examples/cdk/build.sh"], { USE_DURABLE: cliCommand });
    expect(code, out).toBe(0);
    expect(existsSync(join(root, "examples/cdk/dist/checkout/checkout.mjs.map"))).toBe(true);
    expect(existsSync(join(root, "examples/cdk/dist/checkout/use-durable.manifest.json"))).toBe(true);
    expect(readFileSync(join(root, "examples/cdk/app.mjs"), "utf8")).toContain('code: lambda.Code.fromAsset(`${here}/dist/checkout`)');
    await expectRunnableCheckout(join(root, "examples/cdk/dist/checkout/checkout.mjs"));
  });

  it("AWS SAM: make build-CheckoutFunction, as BuildMethod: makefile runs it", async () => {
    const artifacts = join(root, "sam-artifacts");
    const { code, out } = run("make", ["-s", "-C", "examples/sam", "build-CheckoutFunction", `ARTIFACTS_DIR=${artifacts}`, `USE_DURABLE=${cliCommand}`]);
    expect(code, out).toBe(0);
    const template = readFileSync(join(root, "examples/sam/template.yaml"), "utf8");
    expect(template).toContain("BuildMethod: makefile");
    expect(template).toContain("Runtime: nodejs22.x");
    expect(template).toContain("DurableConfig:");
    await expectRunnableCheckout(join(artifacts, "checkout.mjs"));
  });

  it("Serverless Framework v4: build.esbuild.configFile merged as the framework does", async () => {
    const script = `
      import { build } from "esbuild";
      const { default: config } = await import("./examples/serverless/esbuild.config.mjs");
      const fromFile = await config({});
      // serverless.yml's build.esbuild block wins over the file, as in the framework.
      const fromYaml = { bundle: true, format: "esm", target: "node22", sourcemap: true };
      await build({ ...fromFile, ...fromYaml, platform: "node", entryPoints: ["examples/checkout.ts"],
        outfile: ".serverless/build/checkout.mjs", logLevel: "warning" });`;
    const { code, out } = node("--input-type=module", "-e", script);
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(manifestFiles(join(root, ".serverless/use-durable.manifest.json"))).toEqual(["examples/activities.ts", "examples/checkout.ts"]);
    await expectRunnableCheckout(join(root, ".serverless/build/checkout.mjs"));
  });

  it("serverless-esbuild: the CommonJS plugins file, loaded with require()", async () => {
    const script = `
      const { build } = require("esbuild");
      const plugins = require("./examples/serverless-esbuild/esbuild-plugins.cjs");
      build({ bundle: true, format: "esm", target: "node22", platform: "node", sourcemap: "linked",
        external: ["@aws-sdk/*"], entryPoints: ["examples/checkout.ts"], outfile: ".esbuild/.build/checkout.mjs",
        logLevel: "warning", plugins }).catch(() => process.exit(1));`;
    const { code, out } = node("-e", script);
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(existsSync(join(root, ".esbuild/use-durable.manifest.json"))).toBe(true);
    await expectRunnableCheckout(join(root, ".esbuild/.build/checkout.mjs"));
  });

  it("SST v3: nodejs.plugins, a module whose default export is the plugin list", async () => {
    const script = `
      import { build } from "esbuild";
      const { default: plugins } = await import("./examples/sst/esbuild-plugins.mjs");
      await build({ bundle: true, format: "esm", target: "esnext", platform: "node", keepNames: true,
        sourcemap: true, entryPoints: ["examples/checkout.ts"], outfile: ".sst/artifacts/checkout.mjs",
        logLevel: "warning", plugins });`;
    const { code, out } = node("--input-type=module", "-e", script);
    expect(out).toBe("");
    expect(code).toBe(0);
    expect(existsSync(join(root, ".sst/use-durable.manifest.json"))).toBe(true);
    await expectRunnableCheckout(join(root, ".sst/artifacts/checkout.mjs"));
  });

  it("vitest: examples/vitest's config compiles the handler with use-durable/vite, and its test runs on use-durable/testing", () => {
    const vitest = join(REPO, "node_modules/vitest/vitest.mjs");
    const { code, out } = node(vitest, "run", "--config", "examples/vitest/vitest.config.ts", "--root", root);
    expect(out.replace(/\u001b\[[0-9;]*m/g, "")).toMatch(/Tests\s+2 passed/);
    expect(code).toBe(0);
  });
});
