/**
 * DurableContext: the object a durable handler receives. The class holds only what every
 * operation shares (id allocation with the replay check, the checkpoint gate, waiting on the
 * service, child contexts, logger, serdes); each operation lives in its own module, in a layer
 * above this one, and the class reaches it through the operation table that the handler entry
 * installs (`installOperations`), never by importing it. runtime/SPEC.md "Adding an operation"
 * explains the seam.
 */
import type { ChildConfig, ChildFunction } from "../operations/child-context.ts";
import type { Duration } from "./duration.ts";
import { DurablePromise, eager, never } from "./durable-promise.ts";
import { DurableError, ErrorCode, NonDeterministicExecutionError, describe } from "./errors.ts";
import type { Execution, SerdesConfig } from "./execution.ts";
import type { DurableLogger, LoggerConfig } from "./logger.ts";
import { createLogger } from "./logger.ts";
import { OperationIdCounter, hashId } from "./operation-id.ts";
import type { SerdesContext } from "./serdes.ts";
import type { StepConfig, StepFunction } from "../operations/step.ts";
import type { BatchResult } from "../batch/batch-result.ts";
import type { CreateCallbackConfig, CreateCallbackResult } from "../operations/callback.ts";
import type { InvokeConfig } from "../operations/invoke.ts";
import type { MapConfig, MapFunction } from "../batch/map.ts";
import type { ParallelBranch, ParallelConfig } from "../batch/parallel.ts";
import type { DurablePromiseCombinators } from "../batch/promise-combinators.ts";
import type { WaitForCallbackConfig, WaitForCallbackSubmitter } from "../operations/wait-for-callback.ts";
import type { WaitForConditionCheck, WaitForConditionConfig } from "../operations/wait-for-condition.ts";
import type { Operation, OperationAction, OperationType, OperationUpdate } from "../protocol/wire.ts";

type OperationFn<R> = (ctx: DurableContextImpl, args: readonly unknown[]) => DurablePromise<R>;

/** Every operation a context offers, as `(ctx, args) => DurablePromise`. */
export interface OperationTable {
  step: OperationFn<any>;
  wait: OperationFn<void>;
  runInChildContext: OperationFn<any>;
  createCallback: OperationFn<CreateCallbackResult<any>>;
  waitForCallback: OperationFn<any>;
  invoke: OperationFn<any>;
  waitForCondition: OperationFn<any>;
  map: OperationFn<BatchResult<any>>;
  parallel: OperationFn<BatchResult<any>>;
  promiseCombinators: (ctx: DurableContextImpl) => DurablePromiseCombinators;
}

let table: OperationTable | undefined;

/** Called once by the handler entry; contexts exist only inside an invocation it started. */
export function installOperations(operations: OperationTable): void {
  table = operations;
}

function ops(): OperationTable {
  if (!table) throw new DurableError(ErrorCode.INVALID_ARGUMENT, "No operation table is installed: build contexts through withDurableExecution.");
  return table;
}

/** The public face of a context, as in @aws/durable-execution-sdk-js 2.x. */
export interface DurableContext {
  step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
  step<T>(fn: StepFunction<T>, config?: StepConfig<T>): DurablePromise<T>;
  wait(name: string, duration: Duration): DurablePromise<void>;
  wait(duration: Duration): DurablePromise<void>;
  runInChildContext<T>(name: string | undefined, fn: ChildFunction<T>, config?: ChildConfig<T>): DurablePromise<T>;
  runInChildContext<T>(fn: ChildFunction<T>, config?: ChildConfig<T>): DurablePromise<T>;
  // Operations of runtime/ operations modules (callback, invoke, wait-for-*, map, parallel, combinators).
  createCallback<T = string>(name: string | undefined, config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
  createCallback<T = string>(config?: CreateCallbackConfig<T>): DurablePromise<CreateCallbackResult<T>>;
  waitForCallback<T = string>(name: string | undefined, submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
  waitForCallback<T = string>(submitter: WaitForCallbackSubmitter, config?: WaitForCallbackConfig<T>): DurablePromise<T>;
  invoke<O = unknown, I = unknown>(name: string, functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
  invoke<O = unknown, I = unknown>(functionName: string, input?: I, config?: InvokeConfig<I, O>): DurablePromise<O>;
  waitForCondition<T>(name: string | undefined, check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
  waitForCondition<T>(check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): DurablePromise<T>;
  map<I, R>(name: string | undefined, items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
  map<I, R>(items: readonly I[], fn: MapFunction<I, R>, config?: MapConfig<I, R>): DurablePromise<BatchResult<R>>;
  parallel<R>(name: string | undefined, branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
  parallel<R>(branches: ReadonlyArray<ParallelBranch<R>>, config?: ParallelConfig<R>): DurablePromise<BatchResult<R>>;
  readonly promise: DurablePromiseCombinators;
  readonly logger: DurableLogger;
  configureLogger(config: LoggerConfig): void;
  configureSerdes(config: SerdesConfig): void;
  readonly lambdaContext: any;
  readonly executionContext: { durableExecutionArn: string };
}

/** What the caller is doing at this position; compared with the record on replay. */
export interface OperationKind {
  type: OperationType;
  subType: string;
  name: string | undefined;
}

/** One allocated position: its ids and how to build its updates. */
export class OperationSlot {
  readonly stepId: string;
  readonly id: string;
  readonly parentId: string | undefined;
  readonly kind: OperationKind;
  private readonly context: DurableContextImpl;

  constructor(context: DurableContextImpl, stepId: string, kind: OperationKind) {
    this.context = context;
    this.stepId = stepId;
    this.id = hashId(stepId);
    this.parentId = context.stepId === undefined ? undefined : context.id;
    this.kind = kind;
  }

  /** The operation as the service last reported it (undefined if never checkpointed). */
  current(): Operation | undefined {
    return this.context.execution.state.get(this.id);
  }

  update(action: OperationAction, extra?: Partial<OperationUpdate>): OperationUpdate {
    const update: OperationUpdate = { Id: this.id, Type: this.kind.type, SubType: this.kind.subType, Action: action };
    if (this.parentId !== undefined) update.ParentId = this.parentId;
    if (this.kind.name !== undefined) update.Name = this.kind.name;
    return extra ? { ...update, ...extra } : update;
  }

  /** "step \"charge\" (#2-1)": how errors name this operation. */
  describe(): string {
    return `${this.kind.subType} ${describe(this.stepId, this.kind.name)}`;
  }

  serdesContext(): SerdesContext {
    return { entityId: this.id, durableExecutionArn: this.context.execution.arn };
  }
}

export class DurableContextImpl implements DurableContext {
  readonly execution: Execution;
  /** This context's own unhashed id ("2", "2-1"); undefined for the root. */
  readonly stepId: string | undefined;
  /** Hashed id of this context's CONTEXT operation; the ParentId of its children. */
  readonly id: string | undefined;
  readonly parent: DurableContextImpl | undefined;
  /** Re-running the body of a succeeded ReplayChildren context: nothing may run or checkpoint. */
  readonly replayOnly: boolean;
  /** Set once the body returned or threw; later updates from descendants are dropped. */
  finished = false;
  private readonly ids: OperationIdCounter;
  private cachedLogger: DurableLogger | undefined;

  constructor(execution: Execution, options: { stepId?: string; parent?: DurableContextImpl; replayOnly?: boolean; virtual?: boolean } = {}) {
    this.execution = execution;
    this.stepId = options.stepId;
    // A virtual child (a FLAT map item) has no CONTEXT operation: its children name its parent.
    this.id = options.virtual ? options.parent?.id : options.stepId === undefined ? undefined : hashId(options.stepId);
    this.parent = options.parent;
    this.replayOnly = options.replayOnly ?? false;
    this.ids = new OperationIdCounter(options.stepId);
  }

  step<T>(...args: unknown[]): DurablePromise<T> {
    return ops().step(this, args);
  }

  wait(...args: unknown[]): DurablePromise<void> {
    return ops().wait(this, args);
  }

  runInChildContext<T>(...args: unknown[]): DurablePromise<T> {
    return ops().runInChildContext(this, args);
  }

  createCallback<T>(...args: unknown[]): DurablePromise<CreateCallbackResult<T>> {
    return ops().createCallback(this, args);
  }

  waitForCallback<T>(...args: unknown[]): DurablePromise<T> {
    return ops().waitForCallback(this, args);
  }

  invoke<O>(...args: unknown[]): DurablePromise<O> {
    return ops().invoke(this, args);
  }

  waitForCondition<T>(...args: unknown[]): DurablePromise<T> {
    return ops().waitForCondition(this, args);
  }

  map<_I, R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
    return ops().map(this, args);
  }

  parallel<R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
    return ops().parallel(this, args);
  }

  get promise(): DurablePromiseCombinators {
    return ops().promiseCombinators(this);
  }

  get logger(): DurableLogger {
    this.cachedLogger ??= this.createLogger(undefined);
    return this.cachedLogger;
  }

  configureLogger(config: LoggerConfig): void {
    this.execution.loggerConfig = { ...this.execution.loggerConfig, ...config };
  }

  configureSerdes(config: SerdesConfig): void {
    if (config.defaultSerdes) this.execution.serdes = config.defaultSerdes;
    if (config.defaultCallbackDeserializer) this.execution.callbackDeserializer = config.defaultCallbackDeserializer;
  }

  get lambdaContext(): any {
    return this.execution.lambdaContext;
  }

  get executionContext(): { durableExecutionArn: string } {
    return { durableExecutionArn: this.execution.arn };
  }

  // ---- the seam operations build on -------------------------------------------------------

  /**
   * Takes the next position in this context and checks it against the record: a recorded
   * operation with another Type, SubType or Name throws NonDeterministicExecutionError (fatal).
   */
  allocate(kind: OperationKind): OperationSlot {
    const slot = new OperationSlot(this, this.ids.next(), kind);
    const recorded = slot.current();
    if (recorded) {
      const mismatch =
        recorded.Type !== kind.type ? ["type", recorded.Type, kind.type]
        : recorded.SubType !== kind.subType ? ["subtype", recorded.SubType, kind.subType]
        : recorded.Name !== kind.name ? ["name", recorded.Name, kind.name]
        : undefined;
      if (mismatch) {
        const [field, was, now] = mismatch;
        throw new NonDeterministicExecutionError(
          `Non-deterministic execution detected at operation ${describe(slot.stepId, recorded.Name)}: ` +
            `the ${field} recorded there is ${JSON.stringify(was ?? null)}, but the code now calls ` +
            `${kind.type} ${kind.subType} ${JSON.stringify(kind.name ?? null)} (${field} ${JSON.stringify(now ?? null)}). ` +
            `The code must make the same durable calls in the same order on every replay; move ` +
            `non-deterministic logic (time, randomness, I/O) into steps, and deploy changed workflows ` +
            `under a new version instead of replacing running ones.`,
        );
      }
    }
    return slot;
  }

  /**
   * Sends an update through the batcher. Dropped (never settles) when the invocation has ended,
   * when this context or an ancestor has finished (an orphaned child), or while only replaying.
   */
  /** `hold`: the batcher may keep it back to send with the next update (checkpoint-batcher.ts). */
  checkpoint(update: OperationUpdate, hold = false): Promise<void> {
    if (this.execution.lifecycle.terminated || this.replayOnly || this.isOrphaned()) return never();
    return this.execution.batcher.enqueue(update, hold);
  }

  isOrphaned(): boolean {
    for (let c: DurableContextImpl | undefined = this; c; c = c.parent) if (c.finished) return true;
    return false;
  }

  /**
   * Resolves with the operation once `done(operation)` holds. While it does not, the invocation
   * counts as waiting, so it suspends if nothing else is running.
   */
  waitFor(slot: OperationSlot, done: (operation: Operation | undefined) => boolean): Promise<Operation> {
    const now = slot.current();
    if (done(now)) return Promise.resolve(now!);
    if (this.replayOnly) return never();
    return new Promise((resolve) => {
      const endWaiting = this.execution.lifecycle.beginWaiting();
      const watch = (): void => {
        this.execution.state.watch(slot.id, (operation) => {
          if (!done(operation)) return watch();
          endWaiting();
          resolve(operation);
        });
      };
      watch();
    });
  }

  /**
   * Runs an operation: phase 1 now, phase 2 (given phase 1's value) when first awaited. A fatal
   * DurableError from either phase ends the invocation and the promise never settles, so user
   * code cannot swallow it.
   */
  operation<A, T>(phase1: () => Promise<A>, phase2: (value: A) => Promise<T>): DurablePromise<T> {
    const fatal = (error: unknown): Promise<never> => {
      if (DurableError.is(error) && error.fatal) {
        this.execution.lifecycle.fail(error);
        return never();
      }
      throw error;
    };
    const first = eager(() => phase1().catch(fatal));
    return new DurablePromise(() => first.then(phase2).catch(fatal));
  }

  createChild(stepId: string, replayOnly: boolean, virtual = false): DurableContextImpl {
    return new DurableContextImpl(this.execution, { stepId, parent: this, replayOnly: replayOnly || this.replayOnly, virtual });
  }

  /** True while the code at this point already ran in an earlier invocation. */
  isReplaying(): boolean {
    return this.replayOnly || this.execution.state.has(hashId(this.ids.peek()));
  }

  createLogger(operationId: string | undefined): DurableLogger {
    return createLogger({
      executionArn: this.execution.arn,
      operationId,
      isReplaying: operationId === undefined ? () => this.isReplaying() : () => false,
      config: () => this.execution.loggerConfig,
    });
  }
}
