/**
 * Starts test/support/engine-process.ts as a child process and waits for its URL; the handle
 * kills it (SIGKILL by default, as a crash) and waits for it to be gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export interface EngineChild {
  url: string;
  process: ChildProcess;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const script = join(import.meta.dirname, "engine-process.ts");

export async function startEngineChild(database: string, clock: "real" | "skip", functions: Record<string, string>): Promise<EngineChild> {
  const child = spawn(process.execPath, ["--conditions=source", script, database, clock, ...Object.entries(functions).map(([n, b]) => `${n}=${b}`)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\S+)\n/.exec(out);
      if (ready) resolve(ready[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the engine process exited (${code}) before it was ready: ${err}`)));
  });
  return {
    url,
    process: child,
    stderr: () => err,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
