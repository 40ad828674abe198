/**
 * Where recorded histories come from, behind one seam: a source lists executions, each with its
 * history events as GetDurableExecutionHistory returns them. Implemented here for a directory of
 * exported JSON files; the local engine's database (engine.db) will be a second implementation.
 * Reads files; interprets no event.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
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
    if (!statSync(dir).isDirectory()) throw new CliError("UD_CLI_USAGE", `--histories: ${dir} is a file. Pass a directory of GetDurableExecutionHistory JSON files (reading the local engine's engine.db is not available yet).`);
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
