/**
 * Where recorded histories come from, behind one seam: a source lists executions, each with its
 * history events as GetDurableExecutionHistory returns them: a directory of exported JSON files, or
 * the local engine's database (.use-durable/engine.db), read-only and also while an engine runs on
 * it. Reads files; interprets no event.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "../cli-error.ts";

/** One event of GetDurableExecutionHistory (`@aws-sdk/client-lambda`'s Event), as exported JSON. */
export interface HistoryEvent {
  EventType?: string;
  SubType?: string;
  EventId?: number;
  Id?: string;
  Name?: string;
  EventTimestamp?: string | number;
  ParentId?: string;
  [details: string]: unknown;
}

export interface RecordedExecution {
  /** What the report names it by: the file, and the execution ARN when the export has one. */
  label: string;
  arn?: string;
  events: HistoryEvent[];
}

export interface HistorySource {
  executions(): RecordedExecution[];
}

/**
 * A directory of `*.json` files, one execution each: `{ Events: [...] }` (one response of
 * GetDurableExecutionHistory, optionally with `DurableExecutionArn`), an array of such pages (paged
 * with NextMarker), or a bare array of events.
 */
export function jsonDirectorySource(dir: string): HistorySource {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new CliError("UD_CLI_USAGE", `--histories: ${dir} is a file but not an SQLite database. Pass a directory of GetDurableExecutionHistory JSON files, or the local engine's .use-durable/engine.db.`);
    names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError("UD_CLI_MISSING_FILE", `--histories: no directory at ${dir}. Export each execution with \`aws lambda get-durable-execution-history --durable-execution-arn <arn> --include-execution-data > ${dir}/<name>.json\`.`);
  }
  if (names.length === 0) throw new CliError("UD_CLI_MISSING_FILE", `--histories: ${dir} holds no .json file. Export each execution with \`aws lambda get-durable-execution-history --durable-execution-arn <arn> --include-execution-data\`.`);
  return {
    executions: () => names.map((name) => readExecution(join(dir, name), name)),
  };
}

function readExecution(path: string, label: string): RecordedExecution {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError("UD_CLI_BAD_JSON", `--histories: ${path} is not valid JSON (${(error as Error).message}). Save the output of get-durable-execution-history unedited.`);
  }
  const pages = Array.isArray(data) && data.every((p) => typeof p === "object" && p !== null && "Events" in p) ? data : [data];
  const events: HistoryEvent[] = [];
  let arn: string | undefined;
  for (const page of pages) {
    const list = Array.isArray(page) ? page : (page as { Events?: unknown }).Events;
    if (!Array.isArray(list) || !list.every((e) => typeof e === "object" && e !== null && typeof (e as HistoryEvent).EventType === "string")) {
      throw new CliError("UD_CLI_BAD_HISTORY", `--histories: ${path} is not a durable execution history (expected { "Events": [{ "EventType": ... }] } as get-durable-execution-history prints it).`);
    }
    events.push(...(list as HistoryEvent[]));
    arn ??= (page as { DurableExecutionArn?: string }).DurableExecutionArn;
  }
  return { label, ...(arn !== undefined && { arn }), events };
}

/** True when the path is a file that starts with SQLite's header (what the engine writes). */
export function isSqliteFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, "r");
    try {
      const header = Buffer.alloc(16);
      return readSync(fd, header, 0, 16, 0) === 16 && header.toString("latin1") === "SQLite format 3\0";
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * The executions of the local engine's database: every one of `functionName`, or of the only
 * function the file holds (several functions need a choice, since one bundle replays one function).
 * Labelled by execution name and status, so in-flight (RUNNING) ones stand out.
 */
export async function engineDatabaseSource(path: string, functionName: string | undefined): Promise<HistorySource> {
  const { readEngineHistories } = await import("../../engine/history-reader.ts");
  let recorded;
  try {
    recorded = await readEngineHistories(path, functionName === undefined ? {} : { functionName });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("UD_ENGINE_")) throw new CliError("UD_CLI_BAD_HISTORY", `--histories: ${(error as Error).message}`);
    throw error;
  }
  const functions = [...new Set(recorded.map((e) => e.functionName))];
  if (recorded.length === 0) {
    throw new CliError("UD_CLI_BAD_HISTORY", `--histories: ${path} holds no execution${functionName === undefined ? "" : ` of function "${functionName}"`}. Run the function on the engine first (use-durable run, or use-durable dev and start).`);
  }
  if (functions.length > 1) {
    throw new CliError("UD_CLI_USAGE", `--histories: ${path} holds executions of ${functions.length} functions (${functions.join(", ")}); the bundle replays one. Pass --function <name>.`);
  }
  const executions: RecordedExecution[] = recorded.map((e) => ({ label: `${e.name} [${e.status}]`, arn: e.arn, events: e.events as HistoryEvent[] }));
  return { executions: () => executions };
}
