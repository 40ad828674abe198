// The compile thread's fast start: a V8 startup snapshot (`node --build-snapshot`) of a compile server
// with TypeScript and the compiler already evaluated, and the compile "thread" a child process started
// from it (`node --snapshot-blob`) instead of a worker that evaluates TypeScript. Evaluating
// TypeScript is most of a build that must compile (about 280 ms from V8's code cache, 400 without);
// valgrind counts a child from the snapshot at 290 M instructions to be ready, against about 600 M for a
// worker with TypeScript from the code cache, and 400-460 M against about 770 M for the child's whole
// life with one compile (bench/plugin.ts has the builds).
//
// The snapshot is per machine (it does not depend on the project), under the user's cache folder, named
// by a hash of the Node binary and version, TypeScript's file and version, and the compiler's own text
// (disk-cache.ts's salt plus the job modules bundled with it), so any upgrade or local edit makes a new
// one and never starts an old one. It is made after a build that had to compile, in a detached process
// of its own (about 5 s of CPU, one at a time per machine by a lock file); until it exists, and on Node 20
// (no stable `--build-snapshot` with userland code), or with USE_DURABLE_COMPILE_SNAPSHOT=0, the compile
// thread is the worker, as before. A snapshot that fails to start is deleted and the worker takes over;
// one that cannot be made leaves `<name>.failed` (the error), and is not tried again for that toolchain.
//
// Owns: the snapshot's name, making it, and the child's message channel. Never: decides what to compile,
// or fails a build (every problem means "use the worker").

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compilerSalt } from "./disk-cache.ts";

/** What compile-thread.ts needs of its compile thread: a Worker, or this module's child. */
export interface JobPort {
  postMessage(message: unknown): void;
  on(event: "message" | "error" | "exit", listener: (value: any) => void): unknown;
  ref(): void;
  unref(): void;
}

const EXT = import.meta.url.slice(import.meta.url.lastIndexOf("."));

export function snapshotsEnabled(): boolean {
  return process.env.USE_DURABLE_COMPILE_SNAPSHOT !== "0" && Number(process.versions.node.split(".")[0]) >= 22;
}

function folder(): string {
  return process.env.USE_DURABLE_SNAPSHOT_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "use-durable", "compile-snapshots");
}

let blob: string | undefined;

/** Where this Node, TypeScript and compiler's snapshot is (whether or not it exists yet). */
export function snapshotFile(): string {
  if (blob !== undefined) return blob;
  const typescript = createRequire(import.meta.url).resolve("typescript");
  const hash = createHash("sha256").update(`${process.version}\0${process.arch}\0${process.execPath}\0${compilerSalt()}\0${typescript}\0`);
  hash.update(readFileSync(join(dirname(typescript), "../package.json")));
  for (const name of ["compile-job", "module-output"]) hash.update(readFileSync(fileURLToPath(new URL(`./${name}${EXT}`, import.meta.url))));
  blob = join(folder(), `${hash.digest("hex").slice(0, 32)}.blob`);
  return blob;
}

/** A compile server started from the snapshot, or undefined when there is none (or snapshots are off). */
export function startFromSnapshot(): JobPort | undefined {
  if (!snapshotsEnabled()) return undefined;
  let file: string;
  try {
    file = snapshotFile();
    if (!existsSync(file)) return undefined;
  } catch {
    return undefined;
  }
  const child: ChildProcess = spawn(process.execPath, ["--snapshot-blob", file], { stdio: ["pipe", "pipe", "ignore"] });
  const port = new EventEmitter();
  let answered = false;
  let pending = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      answered = true;
      port.emit("message", JSON.parse(line));
    }
  });
  child.on("error", (error) => port.emit("error", error));
  child.on("exit", (code, signal) => {
    // A blob this Node cannot start aborts it (SIGABRT on a bad header, SIGSEGV on a truncated heap):
    // remove it, so the next build makes a good one. A child stopped with the build (Ctrl-C) keeps it.
    const stopped = signal === "SIGINT" || signal === "SIGTERM" || signal === "SIGHUP" || signal === "SIGKILL";
    if (!answered && !stopped && code !== 0) rmSync(file, { force: true });
    port.emit("exit", code);
  });
  child.stdin!.on("error", () => {});
  const streams = [child, child.stdout!, child.stdin!] as Array<{ ref(): unknown; unref(): unknown }>;
  return Object.assign(port, {
    postMessage: (message: unknown) => void child.stdin!.write(`${JSON.stringify(message)}\n`),
    ref: () => streams.forEach((s) => s.ref()),
    unref: () => streams.forEach((s) => s.unref()),
  });
}

/**
 * Makes the snapshot in a detached process, unless it exists or is being made: called after a build that
 * had to start the compile thread. The process outlives the build (about 5 s) and writes nothing else.
 */
export function makeSnapshotInBackground(): void {
  if (!snapshotsEnabled()) return;
  try {
    // A toolchain whose snapshot could not be made is not tried again on every build.
    if (existsSync(snapshotFile()) || existsSync(`${snapshotFile()}.failed`)) return;
    const script = `const { makeSnapshot } = await import(${JSON.stringify(import.meta.url)}); await makeSnapshot();`;
    spawn(process.execPath, ["--input-type=module", "-e", script], { detached: true, stdio: "ignore", env: process.env }).unref();
  } catch {
    // no snapshot this time
  }
}

/** Makes the snapshot now (the background process runs this; a test awaits it). False when another is at it. */
export async function makeSnapshot(): Promise<boolean> {
  const file = snapshotFile();
  mkdirSync(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  try {
    closeSync(openSync(lock, "wx"));
  } catch {
    // A lock left by a maker that died long ago does not block forever.
    if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 120_000) return false;
    writeFileSync(lock, "");
  }
  const work = mkdtempSync(`${file}.tmp-`);
  try {
    const { buildSync } = await import("esbuild");
    // One CommonJS script: a snapshot's entry can require only Node's built-ins, so the compiler is
    // bundled and TypeScript is evaluated from its file by the entry itself.
    const bundle = join(work, "compiler.cjs");
    const compiler = fileURLToPath(new URL(`../compiler/index${EXT}`, import.meta.url));
    const jobs = fileURLToPath(new URL(`./compile-job${EXT}`, import.meta.url));
    buildSync({
      stdin: { contents: `export * as compiler from ${JSON.stringify(compiler)};\nexport { runJob } from ${JSON.stringify(jobs)};\n`, resolveDir: work, loader: "js" },
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node22",
      external: ["typescript"],
      outfile: bundle,
      logLevel: "silent",
      define: { "import.meta.url": "__compilerUrl" },
    });
    const entry = join(work, "entry.cjs");
    writeFileSync(entry, `(${snapshotEntry.toString()})();\n`);
    const made = join(work, "made.blob");
    await promisify(execFile)(process.execPath, ["--snapshot-blob", made, "--build-snapshot", entry], {
      env: { ...process.env, USE_DURABLE_TYPESCRIPT: createRequire(import.meta.url).resolve("typescript"), USE_DURABLE_COMPILER: bundle },
    });
    renameSync(made, file);
    return true;
  } catch (error) {
    writeFileSync(`${file}.failed`, String(error instanceof Error ? (error.stack ?? error.message) : error));
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(lock, { force: true });
  }
}

/**
 * The snapshot's entry, written out as a CommonJS script (so it uses only `require` of built-ins). Before
 * the snapshot: evaluates TypeScript and the bundled compiler and runs one compile, so the heap holds
 * them. After (each child): answers one JSON job per line on stdin with one JSON line on stdout, in order,
 * and exits when stdin closes.
 */
function snapshotEntry(): void {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { dirname } = require("node:path") as typeof import("node:path");
  const { compileFunction } = require("node:vm") as typeof import("node:vm");
  const { startupSnapshot } = require("node:v8") as typeof import("node:v8");
  const load = (file: string, req: (id: string) => unknown): any => {
    const m = { exports: {} };
    compileFunction(readFileSync(file, "utf8"), ["exports", "require", "module", "__filename", "__dirname", "__compilerUrl"], { filename: file })(m.exports, req, m, file, dirname(file), `file://${file}`);
    return m.exports;
  };
  const ts = load(process.env.USE_DURABLE_TYPESCRIPT!, require);
  const moduleShim = { createRequire: () => (id: string) => (id === "typescript" ? ts : require(id)) };
  const { compiler, runJob } = load(process.env.USE_DURABLE_COMPILER!, (id) => (id === "node:module" ? moduleShim : require(id)));
  runJob(compiler, { op: "warm", file: "use-durable-warm.ts" });
  startupSnapshot.setDeserializeMainFunction(() => {
    let pending = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("end", () => process.exit(0));
    process.stdin.on("data", (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        const { id, job } = JSON.parse(pending.slice(0, end));
        pending = pending.slice(end + 1);
        let answer;
        try {
          answer = { id, ok: true, value: runJob(compiler, job) };
        } catch (error) {
          answer = { id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
        }
        process.stdout.write(`${JSON.stringify(answer)}\n`);
      }
    });
  });
}
