/**
 * How the commands find a running engine: the process that owns the project's engine (`dev`, or
 * `run` while it follows an execution) writes `.use-durable/endpoint.json` with its HTTP API's URL
 * and pid, and removes it when it stops. A file left by a process that died is ignored. The thin
 * clients read it when neither --endpoint nor AWS_ENDPOINT_URL_LAMBDA is given. `dev`'s record
 * carries the secret of its registration route, so the file is written with mode 0600 (only its
 * owner reads it), whole or not at all (a temporary file renamed over it). Never opens the database.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where dev registers what `run` built (on dev's API, outside Lambda's paths: cli/dev/register-route.ts). */
export const REGISTER_PATH = "/use-durable/dev/register";

export interface EndpointRecord {
  endpoint: string;
  pid: number;
  command: "dev" | "run";
  /** The functions it has registered. */
  functions: string[];
  /** dev only: the x-use-durable-token value its registration route (REGISTER_PATH) requires. */
  secret?: string;
}

export function endpointFile(root: string): string {
  return join(root, ".use-durable", "endpoint.json");
}

export function writeEndpoint(root: string, record: EndpointRecord): () => void {
  const file = endpointFile(root);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  // The mode applies only to a file being created.
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return () => {
    // Only our own record: another process may have taken over the file since.
    if (readEndpoint(root)?.pid === record.pid) rmSync(file, { force: true });
  };
}

/** The record of a live process, or undefined. */
export function readEndpoint(root: string): EndpointRecord | undefined {
  let record: EndpointRecord;
  try {
    record = JSON.parse(readFileSync(endpointFile(root), "utf8")) as EndpointRecord;
  } catch {
    return undefined;
  }
  if (typeof record?.endpoint !== "string" || typeof record.pid !== "number") return undefined;
  return processAlive(record.pid) ? record : undefined;
}

/** Whether a process with this pid is alive (one of another user's counts: signalling it is refused). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
