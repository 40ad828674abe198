// Runs compile jobs (compile-job.ts) on one worker thread shared by every plugin instance of the
// process, so TypeScript loads and parses beside the bundler instead of in front of it: while the
// thread loads TypeScript (about a third of a second) the bundler's thread goes on answering esbuild
// for every other module. bench/plugin.ts measures what it saves on a cold build.
//
// The thread is started by the first job (a build where every module comes from the caches never
// starts it), is unref'd whenever no job is pending (it never keeps a process alive), and if it cannot
// start or dies, every job from then on runs in this thread: slower, never a failed build.
//
// When a V8 startup snapshot of the compile server exists (compile-snapshot.ts), the "thread" is a
// child process started from it, which has TypeScript evaluated already; if that child fails before it
// answers, the worker takes over the jobs it owed.
//
// Owns: the worker's life and the job queue. Never: decides what to compile (durable-modules.ts does).

import { Worker } from "node:worker_threads";
import type { CompileJob, JobAnswer } from "./compile-job.ts";
import { runJob, withoutPrototypes } from "./compile-job.ts";
import { startFromSnapshot, type JobPort } from "./compile-snapshot.ts";

interface Pending {
  job: CompileJob;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// Beside this file: compile-worker.ts when running from source, compile-worker.js once built.
const WORKER_URL = new URL(`./compile-worker${import.meta.url.slice(import.meta.url.lastIndexOf("."))}`, import.meta.url);

let worker: JobPort | undefined;
let snapshotFailed = false;
let fromSnapshot = false;
let workerCacheDir: string | undefined;
// USE_DURABLE_COMPILE_THREAD=0 keeps every job in this thread (bench/plugin.ts compares the two).
let unavailable = process.env.USE_DURABLE_COMPILE_THREAD === "0";
let nextId = 0;
const pending = new Map<number, Pending>();

function inThisThread(job: CompileJob): Promise<unknown> {
  return import("../compiler/index.ts").then((compiler) => runJob(compiler, job));
}

/**
 * The thread died or failed to start: what it still owed runs here, and so does everything after; when
 * it was the snapshot's child, on a worker instead.
 */
function giveUp(fromSnapshot: boolean): void {
  if (fromSnapshot) snapshotFailed = true;
  else unavailable = true;
  worker = undefined;
  const owed = [...pending.values()];
  pending.clear();
  for (const p of owed) (fromSnapshot ? runOffThread(p.job) : inThisThread(p.job)).then(p.resolve, p.reject);
}

function thread(v8CacheDir: string | undefined): JobPort | undefined {
  if (worker !== undefined || unavailable) return worker;
  workerCacheDir ??= v8CacheDir;
  try {
    // No inherited flags: the host's (--input-type, loaders, --eval) are for its own entry, and the
    // thread runs plain modules of this package.
    const child = snapshotFailed ? undefined : startFromSnapshot();
    const started: JobPort = child ?? new Worker(WORKER_URL, { execArgv: [], workerData: { v8CacheDir: workerCacheDir } });
    started.unref();
    started.on("message", ({ id, ok, value, error }: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const p = pending.get(id);
      if (p === undefined) return;
      pending.delete(id);
      if (pending.size === 0) started.unref();
      if (ok) p.resolve(p.job.op === "summarize" ? withoutPrototypes(value) : value);
      else p.reject(new Error(`use-durable plugin: the compile thread failed on ${p.job.file}: ${error}`));
    });
    started.on("error", () => {
      if (worker === started) giveUp(child !== undefined);
    });
    started.on("exit", () => {
      if (worker === started) giveUp(child !== undefined);
    });
    worker = started;
    fromSnapshot = child !== undefined;
  } catch {
    unavailable = true;
  }
  return worker;
}

/**
 * `v8CacheDir`: where the thread keeps V8's code cache of TypeScript (compile-worker.ts); the first
 * job's folder is used for the life of the thread.
 */
export function runOffThread<J extends CompileJob>(job: J, v8CacheDir?: string): Promise<JobAnswer<J>> {
  const w = thread(v8CacheDir);
  if (w === undefined) return inThisThread(job) as Promise<JobAnswer<J>>;
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { job, resolve: resolve as (value: unknown) => void, reject });
    w.ref();
    w.postMessage({ id, job });
  });
}

/** Whether this process has started the compile thread (a build served wholly by the caches has not). */
export function compileThreadStarted(): boolean {
  return worker !== undefined;
}

/** Whether the compile thread this process started is a child from the compile server's snapshot. */
export function compileThreadFromSnapshot(): boolean {
  return fromSnapshot;
}
