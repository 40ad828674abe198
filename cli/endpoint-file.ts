/**
 * How the commands find a running engine: the process that owns the project's engine (`dev`, or
 * `run` while it follows an execution) writes `.use-durable/endpoint.json` with its HTTP API's URL
 * and pid, and removes it when it stops. A file left by a process that died is ignored. The thin
 * clients read it when neither --endpoint nor AWS_ENDPOINT_URL_LAMBDA is given. Never opens the
 * database.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface EndpointRecord {
  endpoint: string;
  pid: number;
  command: "dev" | "run";
  /** The functions it has registered. */
  functions: string[];
}

export function endpointFile(root: string): string {
  return join(root, ".use-durable", "endpoint.json");
}

export function writeEndpoint(root: string, record: EndpointRecord): () => void {
  const file = endpointFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
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
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return undefined;
  }
  return record;
}
