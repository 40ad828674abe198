/**
 * `run` beside a running `use-durable dev`: the file is built into `.use-durable/run/dev/<id>/`,
 * registered with dev through its registration route (`POST /use-durable/dev/register` on dev's
 * API, with the secret from `.use-durable/endpoint.json`), started with an Invoke through
 * @aws-sdk/client-lambda, and followed by polling GetDurableExecution and its history until it ends,
 * with the same timeline, outcome, `--json` document and exit code as `run` on its own engine. The
 * execution lives in dev's engine (its UI, `use-durable executions`). Never opens the database: dev
 * holds it. A dev that refuses (older, without the route; a wrong secret) or dies mid-run is a
 * CliError that says what to do.
 */
import { formatMessagesSync } from "esbuild";
import { join, relative, resolve } from "node:path";
import { connect, type Connection } from "../api/client.ts";
import { CliError } from "../cli-error.ts";
import { processAlive, REGISTER_PATH, type EndpointRecord } from "../endpoint-file.ts";
import { TOKEN_HEADER } from "../ui/guard.ts";
import { operationsFromHistory, type DisplayEvent } from "../timeline/from-history.ts";
import { liveTimeline } from "../timeline/live.ts";
import { compileEntry, type CompiledEntry } from "./compile.ts";
import { exitCodeOf, outcomeJson, outcomeLines, type FinalExecution } from "./outcome.ts";

const POLL_MS = 200;
const REQUEST_TIMEOUT_MS = 10_000;
const ENDED = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"]);

export interface BesideDevOptions {
  root: string;
  file: string;
  dev: EndpointRecord;
  exportName?: string;
  input?: string;
  name?: string;
  json: boolean;
}

const restart = "Stop that use-durable dev (Ctrl-C) and start it again with this version of use-durable, then run again";

function isConnectionError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? "";
  return e.name === "TimeoutError" || /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR_SOCKET)$/.test(code) || /ECONNREFUSED|ECONNRESET|socket hang up/.test(e.message ?? "");
}

const whoIs = (dev: EndpointRecord) => `use-durable dev (process ${dev.pid}, ${dev.endpoint})`;

async function register(dev: EndpointRecord & { secret: string }, entry: CompiledEntry): Promise<void> {
  const who = whoIs(dev);
  let response: Response;
  try {
    response = await fetch(new URL(REGISTER_PATH, dev.endpoint), {
      method: "POST",
      headers: { "content-type": "application/json", [TOKEN_HEADER]: dev.secret },
      body: JSON.stringify({ name: entry.functionName, bundle: entry.bundle, export: entry.exportName, manifest: entry.manifest }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError("UD_CLI_DEV_LOST", `${who} does not answer (${(error as Error).message}). Start use-durable dev again, or stop it and run without it.`);
  }
  if (response.ok) return;
  const text = await response.text();
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; message?: string };
    message = body.error?.message ?? body.message ?? text;
  } catch {
    // not JSON: the text as it came
  }
  if (response.status === 404) throw new CliError("UD_CLI_DEV_REFUSED", `${who} has no registration route for run (404: ${message}): it is an older use-durable. ${restart}.`);
  if (response.status === 403) throw new CliError("UD_CLI_DEV_REFUSED", `${who} refused to register ${entry.functionName} (403: ${message}). .use-durable/endpoint.json must be the one that dev wrote; ${restart}.`);
  throw new CliError("UD_CLI_DEV_REFUSED", `${who} refused to register ${entry.functionName} (${response.status}: ${message}).`);
}

/** Dates (as the SDK reads timestamps) back to epoch ms, as `run` on its own engine prints history. */
function epochMs(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(epochMs);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, epochMs(v)]));
  return value;
}

export async function runBesideDev(options: BesideDevOptions): Promise<number> {
  const { root, file, dev, json } = options;
  const out = process.stdout;
  const say = (line: string) => (json ? undefined : out.write(`${line}\n`));
  const { secret } = dev;
  // Before the build: an older dev (no secret in its record) has no route either.
  if (secret === undefined) throw new CliError("UD_CLI_DEV_REFUSED", `${whoIs(dev)} has no registration route for run: it is an older use-durable. ${restart}; or start the execution there with use-durable start <function>.`);
  const outdir = join(root, ".use-durable", "run", "dev", `${Date.now().toString(36)}-${process.pid}`);
  const compiled = await compileEntry({ root, file, outdir, ...(options.exportName !== undefined ? { exportName: options.exportName } : {}) });
  if (!compiled.ok) {
    process.stderr.write(formatMessagesSync(compiled.errors, { kind: "error", color: false }).join(""));
    process.stderr.write(`use-durable run: ${file} did not build (${compiled.errors.length} error(s)); fix the code above and run again.\n`);
    return 1;
  }
  const { entry } = compiled;
  await register({ ...dev, secret }, entry);
  const c = await connect(dev.endpoint, root, { timeoutMs: REQUEST_TIMEOUT_MS });
  const lost = (arn: string, why: string) =>
    new CliError(
      "UD_CLI_DEV_LOST",
      `use-durable dev (process ${dev.pid}) ${why} while run followed ${arn}. The execution is kept in the project's database and resumes once an engine registers ${entry.functionName} again: start use-durable dev (it registers its entries), then use-durable run ${file} again (beside dev it registers the file) or use-durable history ${arn}.`,
    );
  say(`use-durable run: ${entry.functionName} (${relative(root, resolve(root, file))}#${entry.exportName}) on use-durable dev (process ${dev.pid})`);
  say(`  API ${dev.endpoint}  (AWS_ENDPOINT_URL_LAMBDA=${dev.endpoint})`);
  let arn: string;
  try {
    const started = await c.client.send(
      new c.sdk.InvokeCommand({
        FunctionName: entry.functionName,
        InvocationType: "Event",
        ...(options.input !== undefined ? { Payload: new TextEncoder().encode(options.input) } : {}),
        ...(options.name !== undefined ? { DurableExecutionName: options.name } : {}),
      }),
    );
    arn = started.DurableExecutionArn ?? "";
  } catch (error) {
    const e = error as Error;
    if (e.name === "DurableExecutionAlreadyStartedException" || e.name === "InvalidParameterValueException") throw new CliError("UD_CLI_USAGE", `${e.message}. Give another --name, or the same input to follow that execution again.`);
    if (isConnectionError(error)) throw new CliError("UD_CLI_DEV_LOST", `use-durable dev (process ${dev.pid}) stopped answering at ${dev.endpoint} before the execution started. Start it again and run again.`);
    throw error;
  }
  say(`  execution ${arn}\n`);

  let interrupt = () => {};
  const interrupted = new Promise<"interrupted">((resolve) => (interrupt = () => resolve("interrupted")));
  process.once("SIGINT", interrupt);
  // In --json mode stdout holds the document only; what the execution waits for goes to stderr.
  const tty = !json && out.isTTY === true;
  const timeline = liveTimeline(json ? process.stderr : out, tty, !json);
  let drawnEvents = -1;
  let drawnAt = 0;
  try {
    for (;;) {
      const read = await Promise.race([snapshot(c, arn), interrupted]).catch((error: unknown) => {
        if (isConnectionError(error)) throw lost(arn, `stopped answering at ${dev.endpoint}`);
        throw error;
      });
      if (read === "interrupted") {
        process.stderr.write(`\nuse-durable run: interrupted; execution ${arn} keeps running in use-durable dev (process ${dev.pid}): dev's UI and use-durable history ${arn} show it.\n`);
        return 130;
      }
      const operations = operationsFromHistory(read.events);
      if (!ENDED.has(read.status)) {
        // As run on its own engine draws: on a change, and on a terminal every second (time left ticks).
        const now = Date.now();
        if (read.events.length !== drawnEvents || (tty && now - drawnAt >= 1000)) {
          timeline.update(operations, now);
          drawnEvents = read.events.length;
          drawnAt = now;
        }
        if (!processAlive(dev.pid)) throw lost(arn, "ended");
        await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), interrupted]);
        continue;
      }
      timeline.finish(operations, Date.now());
      const final: FinalExecution = {
        arn,
        status: read.status,
        ...(read.result !== undefined ? { result: read.result } : {}),
        ...(read.error !== undefined ? { error: read.error } : {}),
        operations,
        history: json ? (epochMs(read.events) as unknown[]) : [],
      };
      if (json) out.write(`${outcomeJson(final)}\n`);
      else say(`\n${outcomeLines(final, entry.modules).join("\n")}`);
      return exitCodeOf(final.status);
    }
  } finally {
    process.off("SIGINT", interrupt);
  }
}

interface Snapshot {
  status: string;
  result?: string;
  error?: FinalExecution["error"];
  events: DisplayEvent[];
}

/** The execution's status and every event, read status first: a terminal status's events are all there. */
async function snapshot(c: Connection, arn: string): Promise<Snapshot> {
  const execution = await c.client.send(new c.sdk.GetDurableExecutionCommand({ DurableExecutionArn: arn }));
  const events: DisplayEvent[] = [];
  let marker: string | undefined;
  do {
    const page = await c.client.send(new c.sdk.GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, IncludeExecutionData: true, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }));
    events.push(...((page.Events ?? []) as DisplayEvent[]));
    marker = page.NextMarker;
  } while (marker);
  return {
    status: execution.Status ?? "RUNNING",
    ...(execution.Result !== undefined ? { result: execution.Result } : {}),
    ...(execution.Error !== undefined ? { error: execution.Error } : {}),
    events,
  };
}
