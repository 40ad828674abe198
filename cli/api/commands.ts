/**
 * `start`, `stop`, `callback succeed|fail|heartbeat` and `executions`: thin clients of the engine's
 * HTTP API through @aws-sdk/client-lambda, so they work against any engine the user points them at
 * (--endpoint, AWS_ENDPOINT_URL_LAMBDA, or the project's running `dev`). Text by default, one JSON
 * document with --json. `history` is in ./history.ts.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError } from "../cli-error.ts";
import { readJsonArg } from "../input-arg.ts";
import { formatDuration } from "../timeline/render.ts";
import { call, connect } from "./client.ts";

const ENDPOINT = "  --endpoint <url>    the engine's API (default: AWS_ENDPOINT_URL_LAMBDA, else the project's running use-durable dev)\n  -h, --help          show this help\n";

export const START_USAGE = `Usage: use-durable start <function> [--input <json> | --input @file.json] [--name <name>]\n\nStarts an execution (an asynchronous Invoke) and prints its ARN.\n\nOptions:\n  --input <json>      the input as JSON, or @file.json\n  --name <name>       the execution's name (DurableExecutionName)\n${ENDPOINT}`;
export const STOP_USAGE = `Usage: use-durable stop <arn>\n\nStops a running execution (StopDurableExecution).\n\nOptions:\n${ENDPOINT}`;
export const CALLBACK_USAGE = `Usage: use-durable callback succeed <callbackId> [<json>]\n       use-durable callback fail <callbackId> [<message>] [--type <ErrorType>]\n       use-durable callback heartbeat <callbackId>\n\nAnswers a callback an execution waits for (run and history print its id).\n\nOptions:\n  --type <name>       the error type of a failure (default: CallbackFailed)\n${ENDPOINT}`;
export const EXECUTIONS_USAGE = `Usage: use-durable executions [--function <name>] [--status <status>] [--json]\n\nLists executions, newest first.\n\nOptions:\n  --function <name>   the function (default: every function the running dev serves)\n  --status <status>   RUNNING, SUCCEEDED, FAILED, TIMED_OUT or STOPPED (repeatable)\n  --json              print one JSON document\n${ENDPOINT}`;

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: { ...options, endpoint: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new CliError("UD_CLI_USAGE", `${(error as Error).message}\n\n${usage}`);
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);

export async function runStart(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { input: { type: "string" }, name: { type: "string" } }, START_USAGE);
  if (values.help) return void process.stdout.write(START_USAGE), 0;
  if (positionals.length !== 1) throw new CliError("UD_CLI_USAGE", `give one function name.\n\n${START_USAGE}`);
  const input = readJsonArg(values.input as string | undefined, "--input");
  const c = await connect(values.endpoint as string | undefined);
  const out = await call(c, `start ${positionals[0]}`, () =>
    c.client.send(
      new c.sdk.InvokeCommand({
        FunctionName: positionals[0],
        InvocationType: "Event",
        ...(input !== undefined ? { Payload: bytes(input) } : {}),
        ...(values.name !== undefined ? { DurableExecutionName: values.name as string } : {}),
      }),
    ),
  );
  process.stdout.write(`${out.DurableExecutionArn}\n`);
  return 0;
}

export async function runStop(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {}, STOP_USAGE);
  if (values.help) return void process.stdout.write(STOP_USAGE), 0;
  if (positionals.length !== 1) throw new CliError("UD_CLI_USAGE", `give one execution ARN.\n\n${STOP_USAGE}`);
  const c = await connect(values.endpoint as string | undefined);
  await call(c, `stop`, () => c.client.send(new c.sdk.StopDurableExecutionCommand({ DurableExecutionArn: positionals[0] })));
  process.stdout.write(`stopped ${positionals[0]}\n`);
  return 0;
}

export async function runCallback(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { type: { type: "string" } }, CALLBACK_USAGE);
  if (values.help) return void process.stdout.write(CALLBACK_USAGE), 0;
  const [action, id, payload, ...extra] = positionals;
  if (!["succeed", "fail", "heartbeat"].includes(action ?? "") || id === undefined || extra.length > 0 || (action === "heartbeat" && payload !== undefined)) {
    throw new CliError("UD_CLI_USAGE", `expected succeed, fail or heartbeat, then the callback id${action === "heartbeat" ? " (a heartbeat has no payload)" : ""}.\n\n${CALLBACK_USAGE}`);
  }
  const result = action === "succeed" ? readJsonArg(payload, "the callback result") : undefined;
  const c = await connect(values.endpoint as string | undefined);
  const what = `callback ${action} ${id}`;
  if (action === "succeed") await call(c, what, () => c.client.send(new c.sdk.SendDurableExecutionCallbackSuccessCommand({ CallbackId: id, ...(result !== undefined ? { Result: bytes(result) } : {}) })));
  else if (action === "fail") {
    await call(c, what, () =>
      c.client.send(new c.sdk.SendDurableExecutionCallbackFailureCommand({ CallbackId: id, Error: { ErrorType: (values.type as string | undefined) ?? "CallbackFailed", ...(payload !== undefined ? { ErrorMessage: payload } : {}) } })),
    );
  } else await call(c, what, () => c.client.send(new c.sdk.SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: id })));
  process.stdout.write(`${action === "heartbeat" ? "heartbeat sent to" : action === "succeed" ? "succeeded" : "failed"} callback ${id}\n`);
  return 0;
}

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"];

export async function runExecutions(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { function: { type: "string", multiple: true }, status: { type: "string", multiple: true }, json: { type: "boolean" } }, EXECUTIONS_USAGE);
  if (values.help) return void process.stdout.write(EXECUTIONS_USAGE), 0;
  if (positionals.length > 0) throw new CliError("UD_CLI_USAGE", `unexpected argument ${positionals[0]}.\n\n${EXECUTIONS_USAGE}`);
  const statuses = ((values.status as string[] | undefined) ?? []).map((s) => s.toUpperCase());
  const bad = statuses.find((s) => !STATUSES.includes(s));
  if (bad) throw new CliError("UD_CLI_USAGE", `--status ${bad} is not a status. Use one of ${STATUSES.join(", ")}.`);
  const c = await connect(values.endpoint as string | undefined);
  const functions = (values.function as string[] | undefined) ?? c.functions;
  if (functions.length === 0) throw new CliError("UD_CLI_USAGE", `name the function: use-durable executions --function <name> (no running dev lists them here).`);
  const rows: Array<{ function: string; name: string; status: string; arn: string; start: number; end?: number }> = [];
  for (const fn of functions) {
    let marker: string | undefined;
    do {
      const page = await call(c, `executions --function ${fn}`, () =>
        c.client.send(new c.sdk.ListDurableExecutionsByFunctionCommand({ FunctionName: fn, ...(statuses.length ? { Statuses: statuses as never } : {}), ...(marker ? { Marker: marker } : {}) })),
      );
      for (const e of page.DurableExecutions ?? []) {
        rows.push({ function: fn, name: e.DurableExecutionName ?? "", status: e.Status ?? "", arn: e.DurableExecutionArn ?? "", start: e.StartTimestamp?.getTime() ?? 0, ...(e.EndTimestamp ? { end: e.EndTimestamp.getTime() } : {}) });
      }
      marker = page.NextMarker;
    } while (marker);
  }
  rows.sort((a, b) => b.start - a.start);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ executions: rows.map((r) => ({ ...r, start: new Date(r.start).toISOString(), ...(r.end ? { end: new Date(r.end).toISOString() } : {}) })) })}\n`);
    return 0;
  }
  if (rows.length === 0) process.stdout.write("no executions\n");
  for (const r of rows) {
    process.stdout.write(`${r.status.padEnd(10)} ${r.function.padEnd(16)} ${r.name.padEnd(38)} ${new Date(r.start).toISOString()}  ${r.end ? formatDuration(r.end - r.start) : "running"}\n  ${r.arn}\n`);
  }
  return 0;
}
