/**
 * Runs bundles in worker threads, as Lambda runs functions in execution environments: one
 * invocation per worker at a time, warm workers reused, a new one when all are busy (the
 * scheduler bounds them by the function's concurrency). A worker that exits (process.exit, an
 * uncaught error) or runs past the timeout (terminated) costs that invocation only: it is reported
 * as a failed invocation, and the next one gets a fresh worker. Re-registered code retires the
 * old workers.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CheckpointRequest, GetExecutionStateRequest } from "../../runtime/protocol/wire.ts";
import type { InvocationStart } from "../service/invocations.ts";
import type { DurableService } from "../service/service.ts";
import { ServiceError } from "../service/service-error.ts";
import type { RegisteredFunction } from "./functions.ts";
import { invocationInput } from "./invocation-event.ts";
import type { InvocationResult, Invoker, PlainResult } from "./invoker.ts";
import { timedOut } from "./invoker.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";
import { realClearTimeout, realSetImmediate, realSetTimeout } from "../host-timers.ts";

function attempt(fn: () => unknown): { value: unknown } | { error: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

function reply(call: number, outcome: { value: unknown } | { error: unknown }): ToWorker {
  if ("value" in outcome) return { type: "reply", call, result: JSON.stringify(outcome.value) };
  const e = outcome.error as Error;
  return { type: "reply", call, error: { name: e.name, message: e.message, ...(outcome.error instanceof ServiceError ? { status: outcome.error.status } : {}) } };
}

const ENTRY = new URL(`./worker-entry${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const IDLE_MS = 60_000;

interface Slot {
  worker: Worker;
  version: number;
  idleTimer?: NodeJS.Timeout;
}

export interface WorkerPoolOptions {
  region: string;
  /** The HTTP API's URL for AWS_ENDPOINT_URL_LAMBDA, starting the server when asked. */
  endpoint(): Promise<string | undefined>;
}

export class WorkerPool implements Invoker {
  private readonly service: DurableService;
  private readonly options: WorkerPoolOptions;
  private readonly idle = new Map<string, Slot[]>();
  private readonly all = new Set<Slot>();
  private nextId = 0;

  constructor(service: DurableService, options: WorkerPoolOptions) {
    this.service = service;
    this.options = options;
  }

  async invoke(fn: RegisteredFunction, start: InvocationStart): Promise<InvocationResult> {
    const event = invocationInput(start, "iso");
    return this.run(fn, (id) => ({ type: "invoke", id, kind: "durable", event, transport: fn.transport, requestId: start.invocationId, timeoutMs: fn.timeoutMs }));
  }

  async callPlain(fn: RegisteredFunction, payload: string | null, requestId: string): Promise<PlainResult> {
    const outcome = await this.run(fn, (id) => ({ type: "invoke", id, kind: "plain", payload, requestId, timeoutMs: fn.timeoutMs }));
    if ("failure" in outcome) return { error: outcome.failure };
    return typeof outcome.output === "string" ? { result: outcome.output } : {};
  }

  retire(fn: RegisteredFunction): void {
    for (const slot of this.idle.get(fn.name) ?? []) this.stop(slot);
    this.idle.delete(fn.name);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.all].map((slot) => this.stop(slot)));
  }

  private async run(fn: RegisteredFunction, message: (id: number) => ToWorker): Promise<InvocationResult> {
    const slot = await this.take(fn);
    const id = ++this.nextId;
    return new Promise<InvocationResult>((resolve) => {
      let settled = false;
      const finish = (result: InvocationResult, reusable: boolean) => {
        if (settled) return;
        settled = true;
        realClearTimeout(timer);
        slot.worker.off("message", onMessage);
        slot.worker.off("exit", onExit);
        slot.worker.off("error", onError);
        if (reusable) this.release(fn, slot);
        else void this.stop(slot);
        resolve(result);
      };
      const onMessage = (reply: FromWorker) => {
        if (reply.type === "call") return void this.answer(slot.worker, reply);
        if (reply.type === "done" && reply.id === id) finish({ output: reply.output }, true);
        if (reply.type === "failed" && reply.id === id) finish({ failure: reply.error }, true);
      };
      const onExit = (code: number) => finish({ failure: { ErrorType: "Runtime.ExitError", ErrorMessage: `Runtime exited with error: exit status ${code}` } }, false);
      const onError = (error: Error) => finish({ failure: { ErrorType: error.name || "Error", ErrorMessage: `Runtime exited with an uncaught error: ${error.message}` } }, false);
      const timer = realSetTimeout(() => finish({ failure: timedOut(fn.timeoutMs) }, false), fn.timeoutMs);
      slot.worker.on("message", onMessage);
      slot.worker.once("exit", onExit);
      slot.worker.once("error", onError);
      slot.worker.postMessage(message(id));
    });
  }

  private calls: Array<{ worker: Worker; call: number; request: CheckpointRequest }> = [];
  private flushing = false;

  /**
   * The workers' durable client calls (JSON text), answered by the service (JSON text with epoch
   * ms; the worker makes the timestamps Dates, as an SDK response has them). Checkpoints that
   * arrive in the same turn of the event loop are committed together (one transaction, a savepoint
   * each): the commit is most of a checkpoint's cost.
   */
  private answer(worker: Worker, call: Extract<FromWorker, { type: "call" }>): void {
    if (call.method === "getExecutionState") {
      const outcome = attempt(() => this.service.getExecutionState(JSON.parse(call.request) as GetExecutionStateRequest));
      return worker.postMessage(reply(call.call, outcome));
    }
    let request: CheckpointRequest;
    try {
      request = JSON.parse(call.request) as CheckpointRequest;
    } catch (error) {
      return worker.postMessage(reply(call.call, { error }));
    }
    this.calls.push({ worker, call: call.call, request });
    if (this.flushing) return;
    this.flushing = true;
    realSetImmediate(() => {
      this.flushing = false;
      const batch = this.calls;
      this.calls = [];
      let outcomes: Array<{ value: unknown } | { error: unknown }>;
      try {
        outcomes = this.service.checkpointGroup(batch.map((b) => b.request));
      } catch (error) {
        outcomes = batch.map(() => ({ error }));
      }
      batch.forEach((b, i) => b.worker.postMessage(reply(b.call, outcomes[i]!)));
    });
  }

  private async take(fn: RegisteredFunction): Promise<Slot> {
    const idle = this.idle.get(fn.name) ?? [];
    let slot = idle.pop();
    while (slot && (slot.version !== fn.version || !this.all.has(slot))) {
      void this.stop(slot);
      slot = idle.pop();
    }
    if (slot) {
      realClearTimeout(slot.idleTimer);
      slot.worker.ref();
      return slot;
    }
    return this.spawn(fn);
  }

  private async spawn(fn: RegisteredFunction): Promise<Slot> {
    if ("handler" in fn.code) throw new Error(`${fn.name} is an in-process function`);
    const endpoint = await this.options.endpoint();
    const data: WorkerData = { bundle: fn.code.bundle, exportName: fn.code.export ?? "handler", functionName: fn.name, region: this.options.region };
    const worker = new Worker(ENTRY, {
      workerData: data,
      env: {
        ...process.env,
        AWS_REGION: this.options.region,
        AWS_DEFAULT_REGION: this.options.region,
        AWS_ACCESS_KEY_ID: "use-durable-local",
        AWS_SECRET_ACCESS_KEY: "use-durable-local",
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        ...(endpoint ? { AWS_ENDPOINT_URL_LAMBDA: endpoint } : {}),
      },
    });
    const slot: Slot = { worker, version: fn.version };
    this.all.add(slot);
    worker.once("exit", () => this.all.delete(slot));
    // A worker that dies between invocations is simply gone; the next invocation starts another.
    worker.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      const ready = (m: FromWorker) => m.type === "ready" && (worker.off("message", ready), worker.off("exit", failed), resolve());
      const failed = (code: number) => reject(new Error(`The worker for ${fn.name} exited with code ${code} before it was ready`));
      worker.on("message", ready);
      worker.once("exit", failed);
    });
    return slot;
  }

  private release(fn: RegisteredFunction, slot: Slot): void {
    if (slot.version !== fn.version || !this.all.has(slot)) return void this.stop(slot);
    const list = this.idle.get(fn.name) ?? [];
    list.push(slot);
    this.idle.set(fn.name, list);
    slot.worker.unref();
    slot.idleTimer = realSetTimeout(() => {
      this.idle.set(fn.name, (this.idle.get(fn.name) ?? []).filter((s) => s !== slot));
      void this.stop(slot);
    }, IDLE_MS);
    slot.idleTimer.unref();
  }

  private async stop(slot: Slot): Promise<void> {
    realClearTimeout(slot.idleTimer);
    this.all.delete(slot);
    await slot.worker.terminate();
  }
}
