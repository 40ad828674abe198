// The compile thread (plugin/compile-thread.ts): TypeScript loads and parses beside the bundler, never
// in the bundler's own thread; a build served wholly by the persistent cache never starts the thread;
// and with the thread switched off (USE_DURABLE_COMPILE_THREAD=0, or a thread that cannot start) the
// output is the same. Each build runs in a fresh Node process, as a one-shot `use-durable build` does.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expect, it } from "vitest";
import { makeProject, REPO } from "./plugin-bundle.ts";

const SCRIPT = `
import { createRequire } from "node:module";
import { build } from "esbuild";
const [project] = process.argv.slice(1);
const { default: durable } = await import(${JSON.stringify(join(REPO, "plugin/esbuild.ts"))});
const { compileThreadStarted, compileThreadFromSnapshot } = await import(${JSON.stringify(join(REPO, "plugin/compile-thread.ts"))});
const result = await build({
  entryPoints: [project + "/src/order.ts"], absWorkingDir: project, bundle: true, write: false, format: "esm", platform: "node",
  conditions: ["source"], external: ["@aws-sdk/*", "use-durable", "use-durable/*"], logLevel: "silent", plugins: [durable({ manifest: false })],
});
const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f));
console.log(JSON.stringify({ code: result.outputFiles[0].text, typescriptHere: loaded, threadStarted: compileThreadStarted(), fromSnapshot: compileThreadFromSnapshot() }));
`;

function freshBuild(project: string, env: Record<string, string> = {}): { code: string; typescriptHere: boolean; threadStarted: boolean; fromSnapshot: boolean } {
  const out = execFileSync(process.execPath, ["--conditions=source", "--input-type=module", "-e", SCRIPT, project], {
    cwd: REPO,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out);
}

it("parses on the compile thread, and not at all when every module comes from the cache", () => {
  const project = makeProject("compile-thread");
  const first = freshBuild(project);
  expect(first.code).toMatch(/__ud\d*\.callStep\("charge"/);
  expect(first.threadStarted).toBe(true);
  expect(first.typescriptHere).toBe(false);

  const second = freshBuild(project);
  expect(second.code).toBe(first.code);
  expect(second.threadStarted).toBe(false);
  expect(second.typescriptHere).toBe(false);
});

it("without the thread, parses in the bundler's thread to the same output", () => {
  const project = makeProject("compile-thread-off");
  const threaded = freshBuild(makeProject("compile-thread-on"));
  const here = freshBuild(project, { USE_DURABLE_COMPILE_THREAD: "0" });
  expect(here.threadStarted).toBe(false);
  expect(here.typescriptHere).toBe(true);
  expect(here.code.replaceAll("compile-thread-off", "compile-thread-on")).toBe(threaded.code);
});

it("starts the thread at the start of a build when a durable module of the last build has changed", () => {
  const project = makeProject("compile-thread-warm");
  const first = freshBuild(project);
  expect(freshBuild(project).threadStarted).toBe(false); // nothing changed: nothing started
  // Same text, new mtime: the cache still answers for it, so only the prediction can start the thread.
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(project, "src/order.ts"), later, later);
  const touched = freshBuild(project);
  expect(touched.code).toBe(first.code);
  expect(touched.threadStarted).toBe(true);
  expect(touched.typescriptHere).toBe(false);
  expect(freshBuild(project).threadStarted).toBe(false); // the list was brought up to date
});

it("after a build that compiled, makes the compile server's snapshot, and later builds compile in a child started from it", async () => {
  const snapshots = join(REPO, ".tmp", "plugin-compile-snapshots");
  rmSync(snapshots, { recursive: true, force: true });
  const env = { USE_DURABLE_COMPILE_SNAPSHOT: "1", USE_DURABLE_SNAPSHOT_DIR: snapshots };
  const project = makeProject("compile-snapshot");
  const first = freshBuild(project, env);
  expect(first.threadStarted).toBe(true);
  expect(first.fromSnapshot).toBe(false);
  // The first build started the maker in the background: wait for its blob (and its lock to go).
  const made = async (): Promise<string> => {
    for (;;) {
      const names = existsSync(snapshots) ? readdirSync(snapshots) : [];
      if (names.length === 1 && names[0]!.endsWith(".blob")) return join(snapshots, names[0]!);
      const failed = names.find((n) => n.endsWith(".failed"));
      if (failed) throw new Error(`the snapshot could not be made: ${readFileSync(join(snapshots, failed), "utf8")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const blob = await made();

  rmSync(join(project, ".use-durable"), { recursive: true, force: true });
  const second = freshBuild(project, env);
  expect(second.fromSnapshot).toBe(true);
  expect(second.typescriptHere).toBe(false);
  expect(second.code).toBe(first.code);
  expect(readdirSync(snapshots)).toEqual([basename(blob)]); // a build from the snapshot makes none

  // A blob this Node cannot start: the worker takes over, the output is the same, the blob is gone.
  writeFileSync(blob, "not a snapshot");
  rmSync(join(project, ".use-durable"), { recursive: true, force: true });
  const broken = freshBuild(project, env);
  expect(broken.code).toBe(first.code);
  expect(broken.threadStarted).toBe(true);
  // The broken blob was removed, and that build made a good one again.
  expect(readFileSync(await made()).length).toBeGreaterThan(1_000_000);
  rmSync(snapshots, { recursive: true, force: true });
}, 240_000);

it("without snapshots (USE_DURABLE_COMPILE_SNAPSHOT=0, as on Node 20), the worker compiles and no snapshot is made", () => {
  const snapshots = join(REPO, ".tmp", "plugin-compile-snapshots-off");
  rmSync(snapshots, { recursive: true, force: true });
  const built = freshBuild(makeProject("compile-snapshot-off"), { USE_DURABLE_COMPILE_SNAPSHOT: "0", USE_DURABLE_SNAPSHOT_DIR: snapshots });
  expect(built.threadStarted).toBe(true);
  expect(built.fromSnapshot).toBe(false);
  expect(existsSync(snapshots)).toBe(false);
});
