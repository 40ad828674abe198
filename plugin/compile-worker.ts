// The compile thread's entry (a worker_threads Worker started by compile-thread.ts). It loads the
// compiler, and TypeScript behind it, off the bundler's thread, then answers jobs in order.
//
// Owns: the message loop. Never: reads files, or keeps the process alive (the plugin unrefs it).

import { parentPort } from "node:worker_threads";
import * as compiler from "../compiler/index.ts";
import { runJob, type CompileJob } from "./compile-job.ts";

parentPort?.on("message", ({ id, job }: { id: number; job: CompileJob }) => {
  try {
    parentPort?.postMessage({ id, ok: true, value: runJob(compiler, job) });
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
