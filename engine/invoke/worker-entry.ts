/**
 * The code in a worker thread: imports one function's bundle once, then runs invocations the
 * engine posts, one at a time, and posts each answer back. With the MessagePort transport the
 * durable event carries a client whose calls go to the engine over the port; with HTTP the
 * bundle's runtime builds its own client from AWS_ENDPOINT_URL_LAMBDA. A crash or process.exit()
 * here ends this thread only.
 */
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { reviveDates } from "../service/state-view.ts";
import { lambdaContext } from "./invocation-event.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";

const data = workerData as WorkerData;
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);
const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
let calls = 0;

function call(method: "checkpoint" | "getExecutionState", request: unknown): Promise<unknown> {
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ type: "call", call: id, method, request: JSON.stringify(request ?? {}) });
  });
}

// The shape both SDKs recognise as an injected client (see invocation-event.ts).
class DurableExecutionInvocationInputWithClient {
  constructor(event: Record<string, unknown>) {
    Object.assign(this, event, { durableExecutionClient: { checkpoint: (r: unknown) => call("checkpoint", r), getExecutionState: (r: unknown) => call("getExecutionState", r) } });
  }
  get [Symbol.toStringTag](): string {
    return "DurableExecutionInvocationInputWithClient";
  }
}

let handler: Promise<(event: unknown, context: unknown) => unknown>;

async function load(): Promise<(event: unknown, context: unknown) => unknown> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(data.bundle).href)) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(new Error(`Cannot load ${data.bundle}: ${error instanceof Error ? error.message : String(error)}`), { name: "Runtime.ImportModuleError" });
  }
  const fn = module[data.exportName];
  if (typeof fn !== "function") {
    throw Object.assign(new Error(`${data.bundle} has no function export named ${data.exportName}`), { name: "Runtime.HandlerNotFound" });
  }
  return fn as (event: unknown, context: unknown) => unknown;
}

function errorObject(error: unknown) {
  return error instanceof Error
    ? { ErrorType: error.name, ErrorMessage: error.message, ...(error.stack ? { StackTrace: error.stack.split("\n") } : {}) }
    : { ErrorType: "Error", ErrorMessage: String(error) };
}

port.on("message", async (message: ToWorker) => {
  if (message.type === "reply") {
    const waiting = pending.get(message.call);
    pending.delete(message.call);
    if (message.error) {
      const { name, message: text, status } = message.error;
      waiting?.reject(Object.assign(new Error(text), { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) }));
    } else waiting?.resolve(message.result === undefined ? undefined : reviveDates(JSON.parse(message.result) as unknown));
    return;
  }
  const context = lambdaContext({ functionName: data.functionName, region: data.region, requestId: message.requestId, timeoutMs: message.timeoutMs });
  try {
    handler ??= load();
    const fn = await handler;
    let output: unknown;
    if (message.kind === "durable") {
      const event = message.transport === "port" ? new DurableExecutionInvocationInputWithClient(message.event as Record<string, unknown>) : message.event;
      output = await fn(event, context);
    } else {
      output = await fn(message.payload ? (JSON.parse(message.payload) as unknown) : {}, context);
    }
    send({ type: "done", id: message.id, output: message.kind === "plain" ? JSON.stringify(output) : output });
  } catch (error) {
    send({ type: "failed", id: message.id, error: errorObject(error) });
  }
});
send({ type: "ready" });
