/**
 * The engine: one store, the service over it, the function registry, the scheduler and the
 * invokers, and (when asked) the HTTP API. It is what `createEngine()` returns and what the test
 * runner and `npm start` drive; everything it does goes through the service's commands.
 */
import type { ErrorObject } from "../runtime/protocol/wire.ts";
import { EngineError, EngineErrorCode } from "./engine-error.ts";
import type { Authenticator } from "./http/authenticator.ts";
import type { ExtensionHandler, HttpServer } from "./http/server.ts";
import { EXTENSION_PREFIX, startHttpServer } from "./http/server.ts";
import type { FunctionCode, FunctionOptions, RegisteredFunction } from "./invoke/functions.ts";
import { FunctionRegistry } from "./invoke/functions.ts";
import { InProcessInvoker } from "./invoke/in-process-invoker.ts";
import type { Invoker } from "./invoke/invoker.ts";
import { Scheduler } from "./invoke/scheduler.ts";
import { WorkerPool } from "./invoke/worker-pool.ts";
import { assertEngineNode } from "./node-version.ts";
import type { EngineOptions, ResolvedEngineOptions } from "./options.ts";
import { resolveOptions } from "./options.ts";
import type { Clock } from "./service/clock.ts";
import { realClock, skippedClock } from "./service/clock.ts";
import type { ExecutionView } from "./service/queries.ts";
import { DurableService } from "./service/service.ts";
import type { Committed } from "./service/transaction.ts";
import { Store } from "./store/store.ts";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"]);
const openFiles = new Set<string>();

export interface StartOptions {
  /** The input as a value (sent as its JSON) ... */
  payload?: unknown;
  /** ... or as the raw text Lambda would receive. */
  input?: string;
  /** DurableExecutionName: the same name and input give back the same execution. */
  executionName?: string;
}

export class Engine {
  readonly options: ResolvedEngineOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly service: DurableService;
  readonly functions = new FunctionRegistry();
  private readonly scheduler: Scheduler;
  private readonly inProcess: InProcessInvoker;
  private readonly extraInvokers: Array<{ accepts(fn: RegisteredFunction): boolean; invoker: Invoker }> = [];
  private http: HttpServer | undefined;
  private readonly extensions = new Map<string, ExtensionHandler>();
  private closed = false;

  constructor(options: ResolvedEngineOptions) {
    this.options = options;
    this.store = new Store(options.database, options.durability);
    this.lock();
    const saved = Number(this.store.meta("virtual_now_ms"));
    this.clock = options.clock === "skip" ? skippedClock(Number.isFinite(saved) && saved > 0 ? saved : undefined) : realClock();
    this.service = new DurableService(this.store, this.clock, {
      region: options.region,
      statePageSize: options.statePageSize,
      retry: options.retry,
      functions: this.functions,
    });
    this.inProcess = new InProcessInvoker(this.service);
    // Bundles run in worker threads; the HTTP API starts when one of them talks to it over HTTP.
    const workers = new WorkerPool(this.service, {
      region: options.region,
      endpoint: async () => this.url ?? (this.functions.all().some((fn) => fn.transport === "http" && "bundle" in fn.code) ? this.serve() : undefined),
    });
    this.addInvoker((fn) => "bundle" in fn.code, workers);
    this.service.onCommit((committed) => this.onSettled(committed));
    this.scheduler = new Scheduler(this.service, this.functions, (fn) => this.invokerFor(fn), {
      onJump: (now) => this.store.transaction(() => this.store.setMeta("virtual_now_ms", String(now))),
      onError: (error) => process.emitWarning(`use-durable engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
  }

  /** Starts the scheduler: interrupted invocations and due timers of a previous run are picked up. */
  begin(): void {
    this.scheduler.start();
  }

  /** Serves Lambda's HTTP API (on 127.0.0.1 unless told otherwise). */
  async serve(options: { port?: number; host?: string; authenticator?: Authenticator } = {}): Promise<string> {
    this.assertOpen();
    if (this.http) return this.http.url;
    this.http = await startHttpServer(
      this.service,
      {
        describe: (name) => this.functions.describe(name),
        start: (name, start) => this.start(name, start),
        waitFor: (arn) => this.waitFor(arn),
        callPlain: (name, payload) => {
          const fn = this.functions.get(name)!;
          return this.invokerFor(fn).callPlain(fn, payload, `http-${Date.now()}`);
        },
      },
      {
        port: options.port ?? this.options.http?.port ?? 0,
        host: options.host ?? this.options.http?.host ?? "127.0.0.1",
        ...(options.authenticator ? { authenticator: options.authenticator } : {}),
        extensions: this.extensions,
        onError: (error) => process.emitWarning(`use-durable engine HTTP: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      },
    );
    return this.http.url;
  }

  /**
   * Serves a route of the host's own on the HTTP API, at a path under `/use-durable/` (never one of
   * Lambda's): `use-durable dev` registers functions there. The handler checks the caller and
   * answers; the API's authenticator does not apply.
   */
  extend(path: string, handler: ExtensionHandler): void {
    this.assertOpen();
    if (!path.startsWith(EXTENSION_PREFIX) || path.length === EXTENSION_PREFIX.length) {
      throw new EngineError(EngineErrorCode.OPTIONS, `An extension route's path must start with ${EXTENSION_PREFIX} (got ${JSON.stringify(path)}): Lambda's API owns every other path.`);
    }
    this.extensions.set(path, handler);
  }

  /** The HTTP API's base URL, once serving (what AWS_ENDPOINT_URL_LAMBDA points at). */
  get url(): string | undefined {
    return this.http?.url;
  }

  /** Adds a place to run functions (the worker pool, for bundles). */
  addInvoker(accepts: (fn: RegisteredFunction) => boolean, invoker: Invoker): void {
    this.extraInvokers.push({ accepts, invoker });
  }

  private invokerFor(fn: RegisteredFunction): Invoker {
    if ("handler" in fn.code) return this.inProcess;
    const found = this.extraInvokers.find((entry) => entry.accepts(fn));
    if (!found) throw new EngineError(EngineErrorCode.FUNCTION, `No invoker can run ${fn.name}: bundles need the worker pool (createEngine sets it up).`);
    return found.invoker;
  }

  /** Registers (or replaces: a deploy) a function. Executions in flight replay on the new code. */
  register(name: string, code: FunctionCode, options?: FunctionOptions): RegisteredFunction {
    this.assertOpen();
    const previous = this.functions.get(name);
    const registered = this.functions.register(name, code, options, this.options.root);
    if (previous) for (const entry of this.extraInvokers) entry.invoker.retire?.(previous);
    this.scheduler.wake();
    return registered;
  }

  /** Starts an execution (an asynchronous Invoke): returns once it is stored. */
  start(functionName: string, options: StartOptions = {}): { arn: string; created: boolean } {
    this.assertOpen();
    const fn = this.functions.get(functionName);
    if (!fn || !fn.durable) {
      throw new EngineError(EngineErrorCode.FUNCTION, `No durable function named ${functionName} is registered (registered: ${this.functions.all().map((f) => f.name).join(", ") || "none"}).`);
    }
    const input = options.input ?? (options.payload === undefined ? undefined : JSON.stringify(options.payload));
    const { execution, created } = this.service.startExecution({
      functionName,
      timeoutSeconds: fn.executionTimeoutSeconds,
      ...(input !== undefined ? { input } : {}),
      ...(options.executionName !== undefined ? { executionName: options.executionName } : {}),
    });
    return { arn: execution.arn, created };
  }

  /**
   * Resolves with the execution once it has ended (SUCCEEDED, FAILED, TIMED_OUT or STOPPED) and its
   * last invocation has answered (an execution ended by a checkpoint still records its
   * InvocationCompleted).
   */
  waitFor(arn: string): Promise<ExecutionView> {
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.settle(arn, [waiter])) return;
      const list = this.waiters.get(arn);
      if (list) list.push(waiter);
      else this.waiters.set(arn, [waiter]);
    });
  }

  private readonly waiters = new Map<string, Array<{ resolve(view: ExecutionView): void; reject(error: unknown): void }>>();

  /** Resolves the waiters of an execution that has ended; false while it runs. */
  private settle(arn: string, waiters: Array<{ resolve(view: ExecutionView): void; reject(error: unknown): void }>): boolean {
    try {
      const view = this.service.getExecution(arn);
      if (!TERMINAL.has(view.Status) || this.store.execution(arn)?.invocationId != null) return false;
      for (const waiter of waiters) waiter.resolve(view);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
    return true;
  }

  private onSettled(committed: Committed): void {
    for (const change of committed.changes) {
      if (change.execution.status === "RUNNING") continue;
      const waiting = this.waiters.get(change.arn);
      if (waiting && this.settle(change.arn, waiting)) this.waiters.delete(change.arn);
    }
  }

  /** Hears every committed change (operations, events, executions), after its commit. */
  onChange(listener: (committed: Committed) => void): () => void {
    return this.service.onCommit(listener);
  }

  sendCallbackSuccess(callbackId: string, result?: string): void {
    this.service.sendCallbackSuccess(callbackId, result);
  }

  sendCallbackFailure(callbackId: string, error?: ErrorObject): void {
    this.service.sendCallbackFailure(callbackId, error);
  }

  sendCallbackHeartbeat(callbackId: string): void {
    this.service.sendCallbackHeartbeat(callbackId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.http?.close();
    await this.scheduler.close();
    await Promise.allSettled(this.extraInvokers.map((entry) => entry.invoker.close()));
    await this.inProcess.close();
    this.unlock();
    await this.store.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError(EngineErrorCode.CLOSED, "This engine is closed; create a new one with createEngine().");
  }

  // One engine per database file: a second one would race the first one's timers and invocations.
  private lock(): void {
    const path = this.options.database;
    if (path === ":memory:") return;
    const holder = this.store.meta("lock");
    const pid = holder === undefined ? undefined : (JSON.parse(holder) as { pid: number }).pid;
    if (openFiles.has(path) || (pid !== undefined && pid !== process.pid && alive(pid))) {
      void this.store.close();
      throw new EngineError(EngineErrorCode.DB_BUSY, `${path} is in use by another engine (process ${pid ?? process.pid}). Stop it first, or give this engine another database.`);
    }
    openFiles.add(path);
    this.store.transaction(() => this.store.setMeta("lock", JSON.stringify({ pid: process.pid })));
  }

  private unlock(): void {
    const path = this.options.database;
    if (path === ":memory:") return;
    openFiles.delete(path);
    this.store.transaction(() => this.store.db.prepare("DELETE FROM meta WHERE key = 'lock'").run());
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Opens (or creates) the store, recovers what a previous run left, and starts scheduling. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  assertEngineNode();
  const engine = new Engine(resolveOptions(options));
  try {
    if (engine.options.http) await engine.serve();
  } catch (error) {
    await engine.close();
    throw error;
  }
  engine.begin();
  return engine;
}
