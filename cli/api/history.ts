/**
 * `use-durable history <arn | name>`: an execution's readable timeline from the engine's API
 * (GetDurableExecution + every page of GetDurableExecutionHistory): status, input, the operation
 * tree with durations, attempts and payload previews, what it still waits for, the result or error.
 * A name (not an ARN) is looked up among the executions of --function, or of the functions the
 * running dev serves. --json: `{ execution, events }`.
 */
import { CliError } from "../cli-error.ts";
import { operationsFromHistory, type DisplayEvent } from "../timeline/from-history.ts";
import { formatDuration, preview, renderTree, renderWaiting } from "../timeline/render.ts";
import { call, connect, type Connection } from "./client.ts";
import { parse } from "./commands.ts";

export const HISTORY_USAGE = `Usage: use-durable history <arn | name> [--function <name>] [--json]

Prints an execution's timeline: every operation under its parent, with its status, duration,
attempts and a preview of its result or error, what it waits for, and how it ended.

Options:
  --function <name>   where to look a name up (default: every function the running dev serves)
  --json              print one JSON document: { execution, events }
  --endpoint <url>    the engine's API (default: AWS_ENDPOINT_URL_LAMBDA, else the project's running use-durable dev)
  -h, --help          show this help
`;

async function resolveArn(c: Connection, target: string, functions: string[]): Promise<string> {
  if (target.startsWith("arn:")) return target;
  if (functions.length === 0) throw new CliError("UD_CLI_USAGE", `${target} is not an ARN; to look it up by name, give --function <name>.`);
  for (const fn of functions) {
    const page = await call(c, `history ${target}`, () => c.client.send(new c.sdk.ListDurableExecutionsByFunctionCommand({ FunctionName: fn, DurableExecutionName: target })));
    const found = page.DurableExecutions?.[0]?.DurableExecutionArn;
    if (found) return found;
  }
  throw new CliError("UD_CLI_NOT_FOUND", `no execution named ${target} in ${functions.join(", ")}. List them with \`use-durable executions\`.`);
}

export async function runHistory(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { function: { type: "string", multiple: true }, json: { type: "boolean" } }, HISTORY_USAGE);
  if (values.help) return void process.stdout.write(HISTORY_USAGE), 0;
  if (positionals.length !== 1) throw new CliError("UD_CLI_USAGE", `give one execution ARN or name.\n\n${HISTORY_USAGE}`);
  const c = await connect(values.endpoint as string | undefined);
  const arn = await resolveArn(c, positionals[0]!, (values.function as string[] | undefined) ?? c.functions);
  const execution = await call(c, `history`, () => c.client.send(new c.sdk.GetDurableExecutionCommand({ DurableExecutionArn: arn })));
  const events: DisplayEvent[] = [];
  let marker: string | undefined;
  do {
    const page = await call(c, `history`, () => c.client.send(new c.sdk.GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, IncludeExecutionData: true, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })));
    events.push(...((page.Events ?? []) as DisplayEvent[]));
    marker = page.NextMarker;
  } while (marker);
  if (values.json) {
    const { $metadata: _, ...view } = execution;
    process.stdout.write(`${JSON.stringify({ execution: view, events })}\n`);
    return 0;
  }
  const now = Date.now();
  const start = execution.StartTimestamp?.getTime();
  const end = execution.EndTimestamp?.getTime();
  const operations = operationsFromHistory(events);
  const lines = [
    `${execution.Status}  ${execution.DurableExecutionName}  ${start ? new Date(start).toISOString() : ""}${start ? `  ${end ? formatDuration(end - start) : `${formatDuration(now - start)} so far`}` : ""}`,
    `  ${arn}`,
    ...(execution.InputPayload !== undefined ? [`  input: ${preview(execution.InputPayload, 200)}`] : []),
    "",
    ...renderTree(operations, { now, preview: 60 }).map((l) => `  ${l}`),
  ];
  if (execution.Status === "RUNNING") lines.push("", ...renderWaiting(operations, now));
  if (execution.Result !== undefined) lines.push("", `result: ${preview(execution.Result, 2000)}`);
  if (execution.Error) lines.push("", `error: ${execution.Error.ErrorType ?? "Error"}: ${execution.Error.ErrorMessage ?? ""}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
