/**
 * The package as a user gets it: `npm pack` (its prepack build) on a copy of the checkout, the tarball
 * installed into a fresh project with esbuild, Vite, vitest and @aws-sdk/client-lambda, then each step of
 * the README's "Add use-durable to your project" run there on Node 22, with its files as written: an
 * esbuild build script and a Vite build with the plugin, `npx use-durable build` (each bundle run to
 * completion), `npx use-durable run`, and `npx vitest run` on a test written with use-durable/testing. Every command is a child
 * process that ends before the next starts (spawnSync with a timeout), so nothing is left running.
 *
 * Packuments are not in the npm cache (npm ci only fetches tarballs), so the install is --prefer-offline:
 * tarballs come from the cache, package metadata from the registry.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";

const ROOT = join(REPO, ".tmp", "package-install");
const STAGE = join(ROOT, "stage");
const PROJECT = join(ROOT, "project");
const INSTALLED = join(PROJECT, "node_modules", "use-durable");
const ORDER = { id: "o-1", sku: "desk", quantity: 2, cents: 4200 };
const PAID = { status: "paid", reservation: "res-desk-2", charge: "ch-o-1", cents: 4200 };

// What the package is built from; the copy keeps the checkout's own dist/ untouched while other test
// files may be reading it.
const PACKAGE_SOURCES = ["package.json", "LICENSE", "README.md", "tsconfig.json", "tsconfig.build.json", "runtime", "compiler", "plugin", "cli", "engine"];

const rootPackage = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
const pinned = (name: string) => `${name}@${lock.packages[`node_modules/${name}`]?.version}`;

// The user's shell: Node 22 (this process's node, the devDependency) first on PATH, so npm, npx and
// the bins they start run on it; nothing of this vitest run leaks into the project's own vitest.
const env: Record<string, string> = { NO_COLOR: "1", npm_config_update_notifier: "false" };
for (const [key, value] of Object.entries(process.env)) {
  if (value === undefined || /^(VITEST|VITE_|TEST$|NODE_OPTIONS$|NODE_ENV$|AWS_ENDPOINT_URL|npm_)/.test(key)) continue;
  env[key] = value;
}
env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sh(cwd: string, command: string, args: string[], timeout = 120_000): Ran {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}\n${result.stdout}${result.stderr}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(cwd: string, command: string, args: string[], timeout?: number): Ran {
  const ran = sh(cwd, command, args, timeout);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

const write = (file: string, text: string) => {
  mkdirSync(dirname(join(PROJECT, file)), { recursive: true });
  writeFileSync(join(PROJECT, file), text);
};

// The README's section is what a user follows: its code blocks are the project's files, as written.
const README = readFileSync(join(REPO, "README.md"), "utf8");
const SECTION = README.slice(README.indexOf("## Add use-durable to your project"), README.indexOf("\n## Add the plugin to your build"));
const BLOCKS = [...SECTION.matchAll(/^( *)```\w*\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
  body!.split("\n").map((line) => line.slice(indent!.length)).join("\n"),
);
/** The block that is this file: named in its first-line comment, or recognised by what it imports. */
function readmeFile(file: string): string {
  const marks: Record<string, (block: string) => boolean> = {
    "src/order.ts": (block) => block.includes('"use durable"'),
    "build.mjs": (block) => block.includes('from "use-durable/esbuild"'),
    "vite.config.ts": (block) => block.includes('from "vite"'),
    "vitest.config.ts": (block) => block.startsWith("// vitest.config.ts"),
    "src/order.test.ts": (block) => block.startsWith("// src/order.test.ts"),
  };
  const found = BLOCKS.filter((block) => marks[file]!(block));
  if (found.length !== 1) throw new Error(`README's "Add use-durable to your project" has ${found.length} blocks for ${file}, expected 1`);
  return found[0]!;
}

let tarball = "";
let packed: string[] = [];

beforeAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  for (const entry of PACKAGE_SOURCES) cpSync(join(REPO, entry), join(STAGE, entry), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(STAGE, "node_modules"), "dir");
  // The prepack script builds dist/ and ts-plugin/ in the copy, as `npm publish` would.
  const pack = ok(STAGE, "npm", ["pack", "--json", "--pack-destination", ROOT], 180_000);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(ROOT, info!.filename);
  packed = info!.files.map((file) => file.path);

  mkdirSync(PROJECT, { recursive: true });
  write("package.json", `${JSON.stringify({ name: "my-app", private: true, type: "module", allowScripts: { esbuild: true } }, null, 2)}\n`);
  const npmInstall = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
  ok(PROJECT, "npm", [...npmInstall, tarball], 240_000);
  ok(PROJECT, "npm", [...npmInstall, "--save-dev", pinned("esbuild"), pinned("vite"), pinned("vitest"), pinned("@aws-sdk/client-lambda")], 240_000);

  write("src/order.ts", readmeFile("src/order.ts"));
  // Runs a built bundle's handler to completion on use-durable/testing, with time skipped.
  write(
    "run-bundle.mjs",
    `import { pathToFileURL } from "node:url";
import { LocalDurableTestRunner } from "use-durable/testing";

const { handler } = await import(pathToFileURL(process.argv[2]).href);
await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
const runner = new LocalDurableTestRunner({ handlerFunction: handler });
const execution = await runner.run({ payload: JSON.parse(process.argv[3]) });
const operations = execution.getOperations().map((op) => op.getType() + " " + op.getName());
console.log(JSON.stringify({ status: execution.getStatus(), result: execution.getResult(), operations }));
await LocalDurableTestRunner.teardownTestEnvironment();
`,
  );
}, 480_000);

afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const manifestFiles = (file: string) =>
  (JSON.parse(readFileSync(join(PROJECT, file), "utf8")) as { modules: Array<{ file: string }> }).modules.map((module) => module.file);

/** Each build starts from no dist/ and no manifest, so what is checked is what that build wrote. */
function clean() {
  rmSync(join(PROJECT, "dist"), { recursive: true, force: true });
  rmSync(join(PROJECT, ".use-durable/manifest.json"), { force: true });
}

function runBundle(file: string) {
  const ran = ok(PROJECT, "node", ["run-bundle.mjs", file, JSON.stringify(ORDER)]);
  return JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as unknown;
}

describe("the packed tarball", () => {
  it("holds the built code, types, the UI's assets, LICENSE and README, and no sources or tests", () => {
    expect(tarball).toMatch(new RegExp(`use-durable-${rootPackage.version}\\.tgz$`));
    expect(packed).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/cli/main.js", "dist/runtime/index.d.ts", "ts-plugin/index.cjs"]));
    for (const asset of readdirSync(join(REPO, "cli/ui/assets"))) expect(packed).toContain(`dist/cli/ui/assets/${asset}`);
    expect(packed.filter((file) => /^(test|fixtures|bench|examples|runtime|compiler|plugin|cli|engine)\//.test(file))).toEqual([]);
  });

  it("installs with every export's files present", () => {
    const installed = JSON.parse(readFileSync(join(INSTALLED, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>> };
    for (const [subpath, target] of Object.entries(installed.exports)) {
      const files = typeof target === "string" ? [target] : Object.entries(target).filter(([condition]) => condition !== "source").map(([, file]) => file);
      for (const file of files) expect(existsSync(join(INSTALLED, file)), `${subpath}: ${file}`).toBe(true);
    }
  });
});

describe("Add use-durable to your project, step by step", () => {
  it("the README's section gives the commands run here", () => {
    for (const command of ["npm install use-durable", "npm install --save-dev esbuild vite vitest @aws-sdk/client-lambda", "node build.mjs", "npx vite build", "npx use-durable build src/order.ts", "npx use-durable run src/order.ts", "npx vitest run"]) {
      expect(SECTION).toContain(command);
    }
  });

  it("builds with the esbuild plugin; the bundle runs to completion", () => {
    write("build.mjs", readmeFile("build.mjs"));
    clean();
    ok(PROJECT, "node", ["build.mjs"]);
    expect(manifestFiles(".use-durable/manifest.json")).toEqual(["src/order.ts"]);
    expect(runBundle("dist/order.mjs")).toEqual({ status: "SUCCEEDED", result: PAID, operations: ["STEP reserve", "WAIT sleep", "STEP charge"] });
  });

  it("builds with Vite and the plugin; the bundle runs to completion", () => {
    write("vite.config.ts", readmeFile("vite.config.ts"));
    clean();
    ok(PROJECT, "npx", ["vite", "build"]);
    expect(manifestFiles(".use-durable/manifest.json")).toEqual(["src/order.ts"]);
    // The compiled handler, not the source: each durable call goes through the runtime by name.
    expect(readFileSync(join(PROJECT, "dist/order.mjs"), "utf8")).toContain('callStep("reserve"');
    expect(runBundle("dist/order.mjs")).toEqual({ status: "SUCCEEDED", result: PAID, operations: ["STEP reserve", "WAIT sleep", "STEP charge"] });
  });

  it("npx use-durable build writes the bundle and its manifest", () => {
    clean();
    const ran = ok(PROJECT, "npx", ["use-durable", "build", "src/order.ts"]);
    expect(ran.stdout).toContain("order.mjs");
    expect(manifestFiles("dist/use-durable.manifest.json")).toEqual(["src/order.ts"]);
    expect(runBundle("dist/order.mjs")).toMatchObject({ status: "SUCCEEDED", result: PAID });
  });

  it("npx use-durable run runs it on the local engine: SUCCEEDED, exit 0", () => {
    const ran = sh(PROJECT, "npx", ["use-durable", "run", "src/order.ts", "--input", JSON.stringify(ORDER), "--skip-time", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const doc = JSON.parse(ran.stdout) as { status: string; result: unknown; history: Array<{ EventType: string }> };
    expect(doc).toMatchObject({ status: "SUCCEEDED", result: PAID });
    expect(doc.history.map((event) => event.EventType)).toEqual(expect.arrayContaining(["StepSucceeded", "WaitSucceeded", "ExecutionSucceeded"]));
  });

  it("npx vitest run passes a test written with use-durable/testing and the plugin in vitest's config", () => {
    write("vitest.config.ts", readmeFile("vitest.config.ts"));
    write("src/order.test.ts", readmeFile("src/order.test.ts"));
    const ran = sh(PROJECT, "npx", ["vitest", "run"]);
    expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
    expect(ran.stdout).toMatch(/Tests\s+1 passed/);
  });
});
