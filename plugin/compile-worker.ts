// The compile thread's entry (a worker_threads Worker started by compile-thread.ts). It loads the
// compiler, and TypeScript behind it, off the bundler's thread, then answers jobs in order.
//
// With a `v8CacheDir` (under the plugin's cache folder) it enables Node's compile cache for this
// thread only (module.enableCompileCache is per thread: the host's own modules are not touched), so
// the next process loads TypeScript from V8's code cache: about half the instructions of loading it
// (valgrind), the largest part of a build that must compile anything. Node writes the cache when the
// thread ends, with every function compiled by then (the parser's included); an explicit flush after
// the first job put that write in front of the jobs still queued.
//
// Owns: the message loop. Never: reads files, or keeps the process alive (the plugin unrefs it).

import module from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { runJob, type CompileJob } from "./compile-job.ts";

const { v8CacheDir } = (workerData ?? {}) as { v8CacheDir?: string };
// Node 22.1+; on Node 20 the thread simply loads TypeScript without it.
const cache = module as { enableCompileCache?: (dir: string) => unknown };
if (v8CacheDir) cache.enableCompileCache?.(v8CacheDir);
// Imported after the cache is on, so the compiler's own modules come from it too.
const compiler = await import("../compiler/index.ts");

parentPort?.on("message", ({ id, job }: { id: number; job: CompileJob }) => {
  try {
    parentPort?.postMessage({ id, ok: true, value: runJob(compiler, job) });
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
