/**
 * Moves SQLite's WAL checkpoints (the only moments synchronous=NORMAL calls fsync) off the
 * engine's thread: a small worker thread with its own connection runs a PASSIVE checkpoint every
 * 200 ms, and the engine's connection never checkpoints by itself. Commits then cost a write to the
 * WAL, never a disk flush in the middle of a request (a checkpoint there stalled requests by tens
 * of milliseconds). A killed process loses nothing: the WAL holds every commit until checkpointed.
 */
import { Worker } from "node:worker_threads";

const SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const emit = process.emitWarning;
process.emitWarning = (w, ...rest) => (String(w).startsWith("SQLite is an experimental feature") ? undefined : emit.call(process, w, ...rest));
const { DatabaseSync } = require("node:sqlite");
process.emitWarning = emit;
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 5000");
const run = () => { try { db.exec("PRAGMA wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(run, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); run(); db.close(); parentPort.postMessage("closed"); });
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export function startWalCheckpointer(path: string, everyMs = 200): WalCheckpointer {
  const worker = new Worker(SOURCE, { eval: true, workerData: { path, everyMs } });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("message", () => void worker.terminate().then(() => resolve()));
        worker.once("exit", () => resolve());
        worker.postMessage("stop");
      }),
  };
}
