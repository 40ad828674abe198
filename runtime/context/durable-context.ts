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
import { contextMisuse, currentFrame } from "./current-context.ts";
import { DurablePromise, eager, never } from "./durable-promise.ts";
import { DurableError, ErrorCode, NonDeterministicExecutionError, describe } from "./errors.ts";
import type { Execution, SerdesConfig } from "./execution.ts";
import type { DurableContextLogger, DurableLogger, LoggerConfig } from "./logger.ts";
import { forwardingLogger } from "./logger.ts";
import { OperationIdCounter, hashId } from "./operation-id.ts";
import { located, locationOf, siteOf } from "./locate.ts";
import { awaitedUnrecorded } from "./rebuild.ts";
import { pollWhileWaiting } from "./poller.ts";
import { afterUpdate, waitedHooks } from "./plugin-hooks.ts";
import type { SerdesContext } from "./serdes.ts";
import type { StepConfig, StepFunction } from "../operations/step.ts";
import type { BatchResult } from "../batch/batch-result.ts";
import type { CreateCallbackConfig, CreateCallbackResult } from "../operations/callback.ts";
import type { InvokeConfig } from "../operations/invoke.ts";
import type { MapConfig, MapFunction } from "../batch/map.ts";
import type { BranchesResult, ParallelBranch, ParallelConfig } from "../batch/parallel.ts";
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

/**
 * The public face of a context, as in @aws/durable-execution-sdk-js 2.x, with its generic
 * parameters: `TLogger` is the logger `configureLogger` sets, which `logger` and the step,
 * check and submitter contexts expose. Bodies may also return values directly (not only promises).
 */
export interface DurableContext<TLogger extends DurableLogger = DurableLogger> {
  step<TOutput>(name: string | undefined, fn: StepFunction<TOutput, TLogger>, config?: StepConfig<TOutput>): DurablePromise<TOutput>;
  step<TOutput>(fn: StepFunction<TOutput, TLogger>, config?: StepConfig<TOutput>): DurablePromise<TOutput>;
  invoke<TInput, TOutput>(name: string, funcId: string, input?: TInput, config?: InvokeConfig<TInput, TOutput>): DurablePromise<TOutput>;
  invoke<TInput, TOutput>(funcId: string, input?: TInput, config?: InvokeConfig<TInput, TOutput>): DurablePromise<TOutput>;
  runInChildContext<TOutput>(name: string | undefined, fn: ChildFunction<TOutput, TLogger>, config?: ChildConfig<TOutput>): DurablePromise<TOutput>;
  runInChildContext<TOutput>(fn: ChildFunction<TOutput, TLogger>, config?: ChildConfig<TOutput>): DurablePromise<TOutput>;
  wait(name: string, duration: Duration): DurablePromise<void>;
  wait(duration: Duration): DurablePromise<void>;
  waitForCondition<TOutput>(name: string | undefined, check: WaitForConditionCheck<TOutput, TLogger>, config: WaitForConditionConfig<TOutput>): DurablePromise<TOutput>;
  waitForCondition<TOutput>(check: WaitForConditionCheck<TOutput, TLogger>, config: WaitForConditionConfig<TOutput>): DurablePromise<TOutput>;
  createCallback<TOutput = string>(name: string | undefined, config?: CreateCallbackConfig<TOutput>): DurablePromise<CreateCallbackResult<TOutput>>;
  createCallback<TOutput = string>(config?: CreateCallbackConfig<TOutput>): DurablePromise<CreateCallbackResult<TOutput>>;
  waitForCallback<TOutput = string>(name: string | undefined, submitter: WaitForCallbackSubmitter<TLogger>, config?: WaitForCallbackConfig<TOutput>): DurablePromise<TOutput>;
  waitForCallback<TOutput = string>(submitter: WaitForCallbackSubmitter<TLogger>, config?: WaitForCallbackConfig<TOutput>): DurablePromise<TOutput>;
  map<TInput, TOutput>(name: string | undefined, items: TInput[], fn: MapFunction<TInput, TOutput, TLogger>, config?: MapConfig<TInput, TOutput>): DurablePromise<BatchResult<TOutput>>;
  map<TInput, TOutput>(items: TInput[], fn: MapFunction<TInput, TOutput, TLogger>, config?: MapConfig<TInput, TOutput>): DurablePromise<BatchResult<TOutput>>;
  parallel<TOutput>(name: string | undefined, branches: Array<ParallelBranch<TOutput, TLogger>>, config?: ParallelConfig<TOutput>): DurablePromise<BatchResult<TOutput>>;
  parallel<TOutput>(branches: Array<ParallelBranch<TOutput, TLogger>>, config?: ParallelConfig<TOutput>): DurablePromise<BatchResult<TOutput>>;
  /** Branches of different result types: the result is their union. */
  parallel<Branches extends readonly unknown[]>(name: string | undefined, branches: Branches, config?: ParallelConfig<BranchesResult<Branches, TLogger>>): DurablePromise<BatchResult<BranchesResult<Branches, TLogger>>>;
  parallel<Branches extends readonly unknown[]>(branches: Branches, config?: ParallelConfig<BranchesResult<Branches, TLogger>>): DurablePromise<BatchResult<BranchesResult<Branches, TLogger>>>;
  readonly promise: DurablePromiseCombinators;
  readonly logger: DurableContextLogger<TLogger>;
  configureLogger(config: LoggerConfig<TLogger>): void;
  configureSerdes(config: SerdesConfig): void;
  readonly lambdaContext: any;
  readonly executionContext: { readonly durableExecutionArn: string };
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
    // The unhashed id ("1", "2-1"), as the official SDK passes it: the same key on both runtimes.
    return { entityId: this.stepId, durableExecutionArn: this.context.execution.arn };
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
  /** Inside a succeeded ReplayChildren context: its record is complete, so code beyond it diverged (rebuild.ts). */
  readonly rebuilding: boolean;
  /** The slot phase 1 of the operation being started allocated with no record while rebuilding. */
  private unrecorded: OperationSlot | undefined;
  /** The slot phase 1 of the operation being started allocated: errors of the operation name it. */
  private allocated: OperationSlot | undefined;
  /** The name of this context's operation (log records carry it). */
  readonly name: string | undefined;
  /**
   * Levels of descendants to keep after this context's children finish (pluginsConfig
   * .childOperationsDepth): a child is checkpointed with ReplayChildren while its budget is >= 1.
   */
  readonly preserve: number;
  /** Set once the body returned or threw; later updates from descendants are dropped. */
  finished = false;
  private readonly ids: OperationIdCounter;
  private cachedLogger: DurableLogger | undefined;

  constructor(execution: Execution, options: { stepId?: string; name?: string | undefined; parent?: DurableContextImpl; replayOnly?: boolean; virtual?: boolean; preserve?: number; rebuilding?: boolean } = {}) {
    this.execution = execution;
    this.stepId = options.stepId;
    this.name = options.name;
    // A virtual (FLAT) child adds no level to the operation tree.
    const inherited = options.parent?.preserve ?? 0;
    this.preserve = options.preserve ?? (options.virtual ? inherited : Math.max(0, inherited - 1));
    // A virtual child (a FLAT map item) has no CONTEXT operation: its children name its parent.
    this.id = options.virtual ? options.parent?.id : options.stepId === undefined ? undefined : hashId(options.stepId);
    this.parent = options.parent;
    this.replayOnly = options.replayOnly ?? false;
    this.rebuilding = options.rebuilding ?? false;
    this.ids = new OperationIdCounter(options.stepId);
  }

  step<T>(...args: unknown[]): DurablePromise<T> {
    return this.call("step", args);
  }

  wait(...args: unknown[]): DurablePromise<void> {
    return this.call("wait", args);
  }

  runInChildContext<T>(...args: unknown[]): DurablePromise<T> {
    return this.call("runInChildContext", args);
  }

  createCallback<T>(...args: unknown[]): DurablePromise<CreateCallbackResult<T>> {
    return this.call("createCallback", args);
  }

  waitForCallback<T>(...args: unknown[]): DurablePromise<T> {
    return this.call("waitForCallback", args);
  }

  invoke<O>(...args: unknown[]): DurablePromise<O> {
    return this.call("invoke", args);
  }

  waitForCondition<T>(...args: unknown[]): DurablePromise<T> {
    return this.call("waitForCondition", args);
  }

  map<_I, R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
    return this.call("map", args);
  }

  parallel<R>(...args: unknown[]): DurablePromise<BatchResult<R>> {
    return this.call("parallel", args);
  }

  /** Every operation method: the context check (see contextMisuse), then the operation. */
  private call<R>(method: Exclude<keyof OperationTable, "promiseCombinators">, args: readonly unknown[]): DurablePromise<R> {
    // Compiled code always names its operations first: errors thrown here say where the call is.
    const name = typeof args[0] === "string" ? args[0] : undefined;
    const misuse = contextMisuse(this, method);
    if (!misuse) {
      try {
        return ops()[method](this, args);
      } catch (error) {
        throw located(error, this, name);
      }
    }
    this.execution.lifecycle.fail(located(misuse, this, name));
    return new DurablePromise(never);
  }

  get promise(): DurablePromiseCombinators {
    return ops().promiseCombinators(this);
  }

  /** Forwards to the execution's logger; silent while the code logging replays (modeAware). */
  get logger(): DurableLogger {
    this.cachedLogger ??= forwardingLogger(
      () => this.execution.logger,
      () => this.execution.modeAware && (currentFrame()?.context ?? this).isReplaying(),
    );
    return this.cachedLogger;
  }

  configureLogger(config: LoggerConfig): void {
    const logger = config.customLogger;
    if (logger !== undefined) {
      this.execution.logger = logger;
      logger.configureDurableLoggingContext?.({ getDurableLogData: () => this.execution.logData() });
    }
    if (config.modeAware !== undefined) this.execution.modeAware = config.modeAware;
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
    this.allocated = slot;
    const recorded = slot.current();
    this.unrecorded = this.rebuilding && !recorded ? slot : undefined;
    if (recorded) {
      const mismatch =
        recorded.Type !== kind.type ? ["type", recorded.Type, kind.type]
        : recorded.SubType !== kind.subType ? ["subtype", recorded.SubType, kind.subType]
        : recorded.Name !== kind.name ? ["name", recorded.Name, kind.name]
        : undefined;
      if (mismatch) {
        const [field, was, now] = mismatch;
        // In compiled code: where the code now makes this call, and where the recorded name still is.
        const here = siteOf(this, kind.name);
        const moved = recorded.Name !== kind.name && siteOf(this, recorded.Name);
        const error = new NonDeterministicExecutionError(
          `at operation ${describe(slot.stepId, recorded.Name)}${moved ? ` (now called ${moved})` : ""}: ` +
            `the ${field} recorded there is ${JSON.stringify(was ?? null)}, but the code now calls ` +
            `${kind.type} ${kind.subType} ${JSON.stringify(kind.name ?? null)}${here ? ` ${here}` : ""} (${field} ${JSON.stringify(now ?? null)})`,
        );
        if (here) error.location = locationOf(here);
        throw error;
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
    const sent = this.execution.batcher.enqueue(update, hold);
    return this.execution.plugin ? afterUpdate(this.execution, update, sent) : sent;
  }

  isOrphaned(): boolean {
    for (let c: DurableContextImpl | undefined = this; c; c = c.parent) if (c.finished) return true;
    return false;
  }

  /**
   * Resolves with the operation once `done(operation)` holds. While it does not, the invocation
   * counts as waiting, so it suspends if nothing else is running, and the service is polled while
   * something else is (poller.ts).
   */
  waitFor(slot: OperationSlot, done: (operation: Operation | undefined) => boolean): Promise<Operation> {
    const now = slot.current();
    if (done(now)) return waitedHooks(this, slot, now, true)?.then(() => now!) ?? Promise.resolve(now!);
    // Re-running a finished context only rebuilds: nothing that was never recorded may start. A
    // recorded operation still going on (a callback handed out in the rebuilt result) is waited for.
    if (this.replayOnly && !now) return never();
    return new Promise((resolve) => {
      const endWaiting = this.execution.lifecycle.beginWaiting();
      const stopPolling = pollWhileWaiting(this.execution, slot.id);
      const watch = (): void => {
        this.execution.state.watch(slot.id, (operation) => {
          if (!done(operation)) return watch();
          endWaiting();
          stopPolling();
          resolve(waitedHooks(this, slot, operation, false)?.then(() => operation) ?? operation);
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
    let slot: OperationSlot | undefined;
    const fatal = (error: unknown): Promise<never> => {
      located(error, this, slot?.kind.name);
      if (DurableError.is(error) && error.fatal) {
        this.execution.lifecycle.fail(error);
        return never();
      }
      throw error;
    };
    this.unrecorded = this.allocated = undefined;
    const first = eager(() => phase1().catch(fatal));
    // Phase 1 allocates synchronously, so these are the slots it took (runtime/SPEC.md).
    slot = this.allocated;
    const unrecorded = this.unrecorded;
    this.unrecorded = undefined;
    return new DurablePromise(() => (unrecorded ? awaitedUnrecorded(this, unrecorded) : first.then(phase2)).catch(fatal));
  }

  createChild(stepId: string, replayOnly: boolean, virtual = false, name?: string): DurableContextImpl {
    return new DurableContextImpl(this.execution, { stepId, name, parent: this, replayOnly: replayOnly || this.replayOnly, virtual, rebuilding: replayOnly || this.rebuilding });
  }

  /** The unhashed id the next operation of this context takes ("3", "2-3"). */
  get position(): string {
    return this.ids.peek();
  }

  /** True while the code at this point already ran in an earlier invocation. */
  isReplaying(): boolean {
    return this.replayOnly || this.execution.state.has(hashId(this.ids.peek()));
  }
}
