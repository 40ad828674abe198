/**
 * LocalDurableTestRunner: AWS's local test runner's API on the engine. Each `run()` gets its own
 * engine (an in-memory store, skipped time when the environment asks for it), registers the
 * handler and the functions the test registered for chained invokes, starts one execution, and
 * resolves with its result once it ends. Operation handles and their waits follow the run as the
 * engine commits it.
 */
import type { ErrorObject } from "../../runtime/protocol/wire.ts";
import { createEngine } from "../engine.ts";
import type { Engine } from "../engine.ts";
import { EngineError, EngineErrorCode } from "../engine-error.ts";
import type { LambdaHandler } from "../invoke/functions.ts";
import { assertEngineNode } from "../node-version.ts";
import { OperationIndex } from "./operation-index.ts";
import type { Lookup } from "./operation-waits.ts";
import { OperationWaits } from "./operation-waits.ts";
import type { SourceParameters } from "./source-handler.ts";
import type { OperationContext } from "./test-operation.ts";
import { TestOperation } from "./test-operation.ts";
import { testResult } from "./test-result.ts";
import type { DurableOperation, InvokeRequest, LocalDurableTestRunnerSetupParameters, TestResult } from "./types.ts";

/**
 * A Lambda handler made with withDurableExecution (ours or the official SDK's): payload and result
 * are untyped. (`never` parameters make the official SDK's handler type match this overload first.)
 */
export type DurableLambdaHandler = (event: never, context: never) => Promise<{ Status: string }>;

/** Beyond AWS's parameters: `skipTime` overrides the environment's for this runner. */
export interface RunnerOptions {
  skipTime?: boolean;
}

export type LocalDurableTestRunnerParameters<TResult = any, TPayload = any> = (
  | { handlerFunction: DurableLambdaHandler }
  | { handlerFunction: (input: TPayload, ...rest: any[]) => Promise<TResult> }
  | SourceParameters
) &
  RunnerOptions;

const MAIN = "handler-under-test";
let environment: { skipTime: boolean } | undefined;

export class LocalDurableTestRunner<TResult = any, TPayload = any> {
  private readonly source: { handler: LambdaHandler } | SourceParameters;
  private loaded: Promise<LambdaHandler> | undefined;
  private readonly functions = new Map<string, { handler: LambdaHandler; durable: boolean }>();
  private waits = new OperationWaits();
  /** The current (or last) run's context; handles read it when they are used. */
  private context: OperationContext = this.contextFor(new OperationIndex(), undefined);

  private readonly skipTime: boolean | undefined;

  constructor(params: { handlerFunction: DurableLambdaHandler } & RunnerOptions);
  constructor(params: { handlerFunction: (input: TPayload, ...rest: any[]) => Promise<TResult> } & RunnerOptions);
  constructor(params: SourceParameters & RunnerOptions);
  constructor(params: LocalDurableTestRunnerParameters<TResult, TPayload>) {
    assertEngineNode();
    this.skipTime = params.skipTime;
    if ("handlerFunction" in params && typeof params.handlerFunction === "function") this.source = { handler: params.handlerFunction as LambdaHandler };
    else if ("file" in params && typeof params.file === "string") this.source = params;
    else throw new EngineError(EngineErrorCode.TEST_SETUP, "LocalDurableTestRunner needs { handlerFunction } (a durable handler) or { file, export? } (a source file).");
  }

  /** Prepares the environment runs share: skipped time or not. Call it in beforeAll. */
  static async setupTestEnvironment(params: LocalDurableTestRunnerSetupParameters = {}): Promise<void> {
    assertEngineNode();
    environment = { skipTime: params.skipTime ?? false };
  }

  static async teardownTestEnvironment(): Promise<void> {
    environment = undefined;
  }

  registerDurableFunction(functionName: string, durableHandler: DurableLambdaHandler | ((input: any) => Promise<any>)): this {
    this.functions.set(functionName, { handler: durableHandler as LambdaHandler, durable: true });
    return this;
  }

  registerFunction(functionName: string, handler: (event: any, context: any, callback?: any) => unknown): this {
    this.functions.set(functionName, { handler, durable: false });
    return this;
  }

  getOperation<TOperationResult = any>(name: string, index?: number): DurableOperation<TOperationResult> {
    return this.track({ name, ...(index !== undefined ? { index } : {}) });
  }

  getOperationByIndex<TOperationResult = any>(index: number): DurableOperation<TOperationResult> {
    return this.track({ index });
  }

  getOperationByNameAndIndex<TOperationResult = any>(name: string, index: number): DurableOperation<TOperationResult> {
    return this.track({ name, index });
  }

  getOperationById<TOperationResult = any>(id: string): DurableOperation<TOperationResult> {
    return this.track({ id });
  }

  /** Forgets the operation handles taken so far, for a fresh run with this runner. */
  reset(): void {
    this.waits.rejectAll();
    this.waits = new OperationWaits();
    this.context = this.contextFor(new OperationIndex(), undefined);
  }

  async run(params: InvokeRequest<TPayload> = {}): Promise<TestResult<TResult>> {
    const handler = await this.handler();
    const engine = await createEngine({ database: ":memory:", clock: (this.skipTime ?? environment?.skipTime) ? "skip" : "real" });
    const index = new OperationIndex();
    const context = this.contextFor(index, engine);
    this.context = context;
    this.waits.attach(index);
    try {
      engine.register(MAIN, { handler }, { timeoutSeconds: 900 });
      for (const [name, fn] of this.functions) engine.register(name, { handler: fn.handler }, { durable: fn.durable, timeoutSeconds: 900 });
      let arn: string | undefined;
      engine.onChange((committed) => {
        for (const change of committed.changes) {
          if (change.execution.functionName !== MAIN || (arn !== undefined && change.arn !== arn)) continue;
          this.waits.changed(index.add(change), context);
        }
      });
      arn = engine.start(MAIN, { input: params.payload === undefined ? "{}" : JSON.stringify(params.payload) }).arn;
      const view = await engine.waitFor(arn);
      return testResult<TResult>(view, context);
    } finally {
      this.waits.rejectAll();
      await engine.close();
    }
  }

  private handler(): Promise<LambdaHandler> {
    if ("handler" in this.source) return Promise.resolve(this.source.handler);
    const source = this.source;
    this.loaded ??= import("./source-handler.ts").then((m) => m.loadSourceHandler(source));
    return this.loaded;
  }

  private track<T>(lookup: Lookup): DurableOperation<T> {
    const operation = new TestOperation<T>(() => this.context);
    this.waits.track(operation, lookup);
    return operation;
  }

  private contextFor(index: OperationIndex, engine: Engine | undefined): OperationContext {
    const live = (): Engine => {
      if (!engine) throw new EngineError(EngineErrorCode.TEST_SETUP, "This operation's run has not started: send callbacks from a hook that waits for the operation (await op.waitForData()).");
      return engine;
    };
    return {
      index,
      waitFor: (operation, status) => this.waits.wait(operation as TestOperation, status),
      callbacks: {
        success: async (id: string, result: string | undefined) => live().sendCallbackSuccess(id, result),
        failure: async (id: string, error: ErrorObject | undefined) => live().sendCallbackFailure(id, error),
        heartbeat: async (id: string) => live().sendCallbackHeartbeat(id),
      },
    };
  }
}
