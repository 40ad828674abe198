/**
 * A project written for @aws/durable-execution-sdk-js 2.4: every runtime export used, every public
 * type named with its generic parameters, the way user code uses them. test/compat-types.test.ts
 * compiles it with tsc against the official package (so the file itself is checked) and against
 * use-durable (the import path mapped to runtime/index.ts); both must have no error. Never run.
 */
import {
  AttemptEndInfoOutcome, BatchCompletionError, BatchItemStatus, CallbackError, CallbackExternalError, CallbackSubmitterError,
  CallbackTimeoutError, ChildContextError, CompletionOutcome, DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION, DurableExecutionApiClient,
  DurableExecutionClientError, DurableExecutionClientErrorScope, DurableExecutionInvocationInputWithClient, DurableOperationError,
  DurablePromise, FieldMatchMode, FileSystemPathEncoding, FileSystemSerdesMode, InvocationStatus, InvokeError, JitterStrategy, NestingType,
  OperationAction, OperationStatus, OperationSubType, OperationType, PluginInvocationStatus, PluginLoadError, PluginOperationStatus,
  PreviewMode, PromiseCombinatorError, SDK_VERSION, StepError, StepInterruptedError, StepSemantics, WaitForConditionError, buildPreview,
  completeBatch, continueBatch, createClassSerdes, createClassSerdesWithDates, createFileSystemSerdes, createLinearRetryStrategy,
  createRetryStrategy, createWaitStrategy, defaultSerdes, isDurableExecutionClientError, refreshLogConfig, retryPresets,
  withDurableExecution, withRetry,
} from "@aws/durable-execution-sdk-js";
import type {
  AnySerdes, AnySerdesDeserializer, AttemptEndInfo, AttemptInfo, BatchItem, BatchResult, CallbackDetails, CallbackOptions,
  ChainedInvokeDetails, ChainedInvokeOptions, CheckpointDurableExecutionRequest, CheckpointDurableExecutionResponse,
  CheckpointUpdatedExecutionState, ChildConfig, CompletionConfig, CompletionDecision, CompletionItemStatus, CompletionReason,
  CompletionStatus, ConcurrencyConfig, ConcurrentExecutionItem, ConcurrentExecutor, ContextDetails, ContextOptions, CustomCompletionConfig,
  DurableContext, DurableContextLogger, DurableExecutionClient, DurableExecutionClientErrorOptions, DurableExecutionConfig,
  DurableExecutionHandler, DurableExecutionInvocationInput, DurableExecutionInvocationOutput, DurableInstrumentationPlugin,
  DurableInstrumentationPluginProvider, DurableInstrumentationPluginType, DurableLambdaHandler, DurableLogData, DurableLogger,
  DurableLoggingContext, Duration, ErrorObject, ExecutionDetails, FileSystemSerdesConfig, GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse, InvocationEndInfo, InvocationInfo, InvokeConfig, LinearRetryStrategyConfig, MapConfig, MapFunc,
  Operation, OperationChangeInfo, OperationEndInfo, OperationInfo, OperationUpdate, PreviewConfig, PreviewField, RetryDecision,
  RetryStrategyConfig, RetryableFunc, Serdes, SerdesConfig, SerdesContext, StepConfig, StepDetails, StepFunc, StepOptions,
  ThresholdCompletionConfig, WaitDetails, WaitForConditionCheckFunc, WaitForConditionConfig, WaitForConditionDecision,
  WaitForConditionWaitStrategyFunc, WaitOptions, WaitStrategyConfig, WireOperation, WireStepDetails, WireTimestamp, WireWaitDetails,
  WithRetryConfig,
} from "@aws/durable-execution-sdk-js";

interface Order {
  id: string;
  cents: number;
}
interface Receipt {
  charged: number;
}

// ---- a logger of the project's own, with extra methods -------------------------------------------
class AppLogger implements DurableLogger {
  private source: DurableLoggingContext | undefined;
  log(level: "DEBUG" | "INFO" | "WARN" | "ERROR", ...params: unknown[]): void {
    console.log(level, this.source?.getDurableLogData().executionArn, ...params);
  }
  error(...params: unknown[]): void { console.error(...params); }
  warn(...params: unknown[]): void { console.warn(...params); }
  info(...params: unknown[]): void { console.info(...params); }
  debug(...params: unknown[]): void { console.debug(...params); }
  audit(entry: string): void { console.info(entry); }
  configureDurableLoggingContext(context: DurableLoggingContext): void {
    this.source = context;
    const data: DurableLogData = context.getDurableLogData();
    const where: string | undefined = data.operationId ?? data.operationName;
    void where;
    void data.attempt?.toFixed();
    void data.requestId.length;
  }
}

// ---- serdes -------------------------------------------------------------------------------------
class Invoice {
  total = 0;
  issuedAt = new Date(0);
  vat(): number {
    return this.total * 0.2;
  }
}
const invoiceSerdes: Serdes<Invoice> = createClassSerdesWithDates(Invoice, ["issuedAt"]);
const plainInvoiceSerdes: Serdes<Invoice> = createClassSerdes(Invoice);
const upper: Serdes<string> = {
  serialize: async (value: string | undefined, context: SerdesContext) => (value === undefined ? undefined : `${context.entityId}:${value.toUpperCase()}`),
  deserialize: async (data: string | undefined) => data?.split(":")[1],
};
const deserializeOnly: AnySerdesDeserializer = { deserialize: async (data) => (data === undefined ? undefined : JSON.parse(data)) };
const anySerdes: AnySerdes = defaultSerdes;
const previewConfig: PreviewConfig = { mode: PreviewMode.EXCLUDE_ALL, include: [{ name: "id" }], mask: [{ name: "email", match: FieldMatchMode.ANYWHERE }] };
const previewField: PreviewField = { name: "user.email", match: FieldMatchMode.PATH };
const fsConfig: FileSystemSerdesConfig = {
  storageMode: FileSystemSerdesMode.OVERFLOW,
  pathEncoding: FileSystemPathEncoding.HASH,
  generatePreview: (value) => buildPreview(value, { ...previewConfig, exclude: [previewField] }),
};
const fileSerdes: AnySerdes = createFileSystemSerdes("/mnt/efs", fsConfig);
const serdesConfig: SerdesConfig = { defaultSerdes: fileSerdes, defaultCallbackDeserializer: deserializeOnly };
void anySerdes;
void plainInvoiceSerdes;

// ---- strategies -----------------------------------------------------------------------------------
const retryConfig: RetryStrategyConfig = { maxAttempts: 4, initialDelay: { seconds: 2 }, backoffRate: 3, jitter: JitterStrategy.HALF, retryableErrors: [/timeout/] };
const linearConfig: LinearRetryStrategyConfig = { maxAttempts: 3, increment: { seconds: 5 }, jitter: JitterStrategy.NONE };
const retry: (error: Error, attemptsMade: number) => RetryDecision = createRetryStrategy(retryConfig);
const linear = createLinearRetryStrategy(linearConfig);
const custom = (error: Error, attempt: number): RetryDecision => (error.message === "fatal" ? { shouldRetry: false } : { shouldRetry: attempt < 3, delay: { minutes: 1 } });
const waitConfig: WaitStrategyConfig<{ ready: boolean }> = { shouldContinuePolling: (s) => !s.ready, maxAttempts: 10, initialDelay: { seconds: 5 }, jitter: JitterStrategy.FULL };
const waitStrategy: WaitForConditionWaitStrategyFunc<{ ready: boolean }> = createWaitStrategy(waitConfig);
const decision: WaitForConditionDecision = waitStrategy({ ready: false }, 1);
if (decision.shouldContinue) void decision.delay;
const presets = [retryPresets.default, retryPresets.linear, retryPresets.noRetry, retry, linear, custom];
void presets;

// ---- steps, configs and functions typed on their own ---------------------------------------------
const stepConfig: StepConfig<Receipt> = { retryStrategy: retry, semantics: StepSemantics.AtMostOncePerRetry };
const charge: StepFunc<Receipt> = async ({ logger, attempt }) => {
  logger.info("charging", { attempt });
  return { charged: 100 };
};
const childConfig: ChildConfig<number> = {
  subType: "Pricing",
  summaryGenerator: (total) => `total ${total}`,
  errorMapper: (error: DurableOperationError) => new StepError(`pricing: ${error.message}`, error.cause, error.errorData),
  virtualContext: false,
};
const invokeConfig: InvokeConfig<Order, Receipt> = { tenantId: "t-1" };
const check: WaitForConditionCheckFunc<{ ready: boolean }> = async (state, { logger, attempt }) => {
  logger.debug("poll", attempt);
  return { ready: state.ready || attempt > 2 };
};
const conditionConfig: WaitForConditionConfig<{ ready: boolean }> = { initialState: { ready: false }, waitStrategy };
const threshold: ThresholdCompletionConfig = { minSuccessful: 2, toleratedFailurePercentage: 10 };
const quorum: CustomCompletionConfig = {
  shouldComplete: (status: CompletionStatus) => {
    const finished: readonly CompletionItemStatus[] = status.items.filter((i) => i.status === BatchItemStatus.SUCCEEDED);
    const verdict: CompletionDecision = finished.length >= 2 ? completeBatch(CompletionOutcome.SUCCEEDED) : continueBatch();
    return status.failureCount > 1 ? completeBatch(CompletionOutcome.FAILED) : verdict;
  },
};
const completion: CompletionConfig = Math.random() > 0.5 ? threshold : quorum;
const mapConfig: MapConfig<Order, Receipt> = { maxConcurrency: 5, itemNamer: (order, i) => `${order.id}-${i}`, completionConfig: completion, nesting: NestingType.FLAT };
const price: MapFunc<Order, Receipt, AppLogger> = async (ctx, order, index, all) => ctx.step(`price-${index}-of-${all.length}`, async () => ({ charged: order.cents }));
const concurrency: ConcurrencyConfig<Receipt> = { maxConcurrency: 2, itemSerdes: { serialize: async (r) => JSON.stringify(r), deserialize: async (d) => (d ? JSON.parse(d) : undefined) } };
const executor: ConcurrentExecutor<Order, Receipt, DurableLogger> = async (item: ConcurrentExecutionItem<Order>, childContext) =>
  childContext.step(item.id, async () => ({ charged: item.data.cents + item.index }));
void concurrency;
void executor;

// ---- the handler ----------------------------------------------------------------------------------
const handlerBody: DurableExecutionHandler<Order, { receipt: Receipt; invoice: Invoice; approvals: string[] }, AppLogger> = async (order, ctx) => {
  ctx.configureLogger({ customLogger: new AppLogger(), modeAware: true });
  ctx.configureSerdes(serdesConfig);
  ctx.logger.log?.("INFO", "order", order.id);
  const arn: string = ctx.executionContext.durableExecutionArn;
  void arn;
  void ctx.lambdaContext;

  const receipt = await ctx.step("charge", charge, stepConfig);
  const unnamed: number = await ctx.step(async () => 1);
  const invoice = await ctx.step("invoice", async () => Object.assign(new Invoice(), { total: receipt.charged }), { serdes: invoiceSerdes });
  const shout = await ctx.step("shout", async () => "hi", { serdes: upper });
  void [unnamed, invoice.vat(), shout?.length];

  await ctx.wait("cool-down", { minutes: 5 });
  await ctx.wait({ seconds: 30 });
  const duration: Duration = { hours: 1, minutes: 30 };
  await ctx.wait(duration);

  const total = await ctx.runInChildContext("pricing", async (child: DurableContext<AppLogger>) => {
    const a = await child.step("a", async () => 1);
    return a + (await child.step("b", async () => 2));
  }, childConfig);
  const viaChild = await ctx.runInChildContext(async (child) => child.wait({ seconds: 1 }));
  void [total.toFixed(), viaChild];

  const quoted = await ctx.invoke("quote", "pricing-fn", order, invokeConfig);
  const quotedAgain = await ctx.invoke<Order, Receipt>("pricing-fn", order);
  void [quoted.charged, quotedAgain.charged];

  const [approval, callbackId] = await ctx.createCallback("approval", { timeout: { days: 1 }, heartbeatTimeout: { minutes: 10 } });
  const approved: string = await approval;
  const [typed] = await ctx.createCallback<{ ok: boolean }>({ serdes: { deserialize: async (data) => (data ? JSON.parse(data) : undefined) } });
  const ok: boolean = (await typed).ok;
  const decisionText: string = await ctx.waitForCallback("manager", async (id, { logger }) => logger.info("send", id), { timeout: { hours: 2 }, retryStrategy: retry });
  const parsed = await ctx.waitForCallback<{ level: number }>(async (id) => void id, { serdes: { deserialize: async (data) => (data ? JSON.parse(data) : undefined) } });
  void [callbackId, approved, ok, decisionText, parsed.level];

  const ready = await ctx.waitForCondition("ready", check, conditionConfig);
  const readyAgain = await ctx.waitForCondition(async (s: number) => s + 1, { initialState: 0, waitStrategy: createWaitStrategy({ shouldContinuePolling: (s: number) => s < 3 }) });
  void [ready.ready, readyAgain.toFixed()];

  const orders: Order[] = [{ id: "a", cents: 1 }];
  const mapped: BatchResult<Receipt> = await ctx.map("price-all", orders, price, mapConfig);
  const mappedUnnamed = await ctx.map(orders, async (c, o) => c.step(async () => o.cents));
  const items: Array<BatchItem<Receipt>> = mapped.all;
  const failures: ChildContextError[] = mapped.getErrors();
  const reason: CompletionReason = mapped.completionReason;
  mapped.throwIfError();
  void [items, failures, reason, mapped.succeeded()[0]?.result.charged, mapped.failed()[0]?.error.message, mapped.started().length,
    mapped.totalCount, mapped.startedCount, mapped.successCount, mapped.failureCount, mapped.hasFailure, mapped.status === BatchItemStatus.FAILED,
    mappedUnnamed.getResults()];

  const same = await ctx.parallel("same", [async (c) => c.step(async () => 1), { name: "two", func: async (c) => c.step(async () => 2) }], { maxConcurrency: 1 });
  const mixed = await ctx.parallel("mixed", [async () => "text", async () => 42, { name: "flag", func: async () => true }]);
  const mixedUnnamed = await ctx.parallel([async () => "a", async () => 1]);
  const first: string | number | boolean | undefined = mixed.getResults()[0];
  void [same.getResults()[0]?.toFixed(), first, mixedUnnamed.totalCount];

  const all: number[] = await ctx.promise.all("both", [ctx.step(async () => 1), ctx.step(async () => 2)]);
  const settled = await ctx.promise.allSettled([ctx.step(async () => "x")]);
  const fastest: number = await ctx.promise.race("race", [ctx.step(async () => 1)]);
  const any: number = await ctx.promise.any([ctx.step(async () => 1)]);
  void [all, settled[0]?.status, fastest, any];

  const retried: number = await withRetry(ctx, "group", async (c: DurableContext, attempt: number) => c.step(async () => attempt), { retryStrategy: retry, wrapWithRunInChildContext: true });
  const retriedConfig: WithRetryConfig<number> = { retryStrategy: custom, childContextConfig: { subType: "Retry" } };
  const retryable: RetryableFunc<number> = async (c) => c.step(async () => 1);
  const retriedUnnamed = await withRetry(ctx, retryable, retriedConfig);
  void [retried, retriedUnnamed];

  const pending: DurablePromise<number> = ctx.step(async () => 3);
  void pending.isExecuted;
  const later: number = await pending.then((n) => n * 2);
  void later;

  return { receipt, invoice, approvals: [approved] };
};

// ---- errors ---------------------------------------------------------------------------------------
function explain(error: unknown): string {
  if (error instanceof StepError) return `${error.errorType}: ${error.message} (cause ${error.cause?.name}: ${error.cause?.message}, data ${error.errorData})`;
  if (error instanceof CallbackTimeoutError || error instanceof CallbackExternalError || error instanceof CallbackSubmitterError) return error.cause?.message ?? "";
  if (error instanceof CallbackError) return error.errorType;
  if (error instanceof InvokeError || error instanceof ChildContextError || error instanceof WaitForConditionError || error instanceof PromiseCombinatorError) {
    return `${error.cause?.name}`;
  }
  if (error instanceof BatchCompletionError) return error.completionReason;
  if (error instanceof DurableOperationError) {
    const object: ErrorObject = error.toErrorObject();
    return DurableOperationError.fromErrorObject(object).message;
  }
  if (error instanceof StepInterruptedError || error instanceof PluginLoadError) return error.message;
  if (isDurableExecutionClientError(error)) return error.scope;
  return String(error);
}
const interrupted = new StepInterruptedError("1", "charge");
const rebuilt = new StepError("declined", new Error("card"), "{}");
const batchFailed = new BatchCompletionError("CUSTOM_COMPLETION_FAILED", "no quorum");
void [explain(interrupted), explain(rebuilt), explain(batchFailed), new PluginLoadError("x", { cause: rebuilt }).message];

// ---- a transport of the project's own -------------------------------------------------------------
class HttpClient implements DurableExecutionClient {
  async checkpoint(params: CheckpointDurableExecutionRequest): Promise<CheckpointDurableExecutionResponse> {
    const updates: OperationUpdate[] = params.Updates ?? [];
    if (updates.length > 250) {
      const options: DurableExecutionClientErrorOptions = { scope: DurableExecutionClientErrorScope.EXECUTION };
      throw new DurableExecutionClientError("too many updates", options);
    }
    const state: CheckpointUpdatedExecutionState = { Operations: [] };
    return { CheckpointToken: "next", NewExecutionState: state };
  }
  async getExecutionState(params: GetDurableExecutionStateRequest): Promise<GetDurableExecutionStateResponse> {
    const timestamp: WireTimestamp = new Date().toISOString();
    const stepDetails: WireStepDetails = { Attempt: 1, NextAttemptTimestamp: timestamp };
    const waitDetails: WireWaitDetails = { ScheduledEndTimestamp: timestamp };
    const op: WireOperation = { Id: params.Marker, Type: OperationType.STEP, Status: OperationStatus.SUCCEEDED, StartTimestamp: timestamp, StepDetails: stepDetails, WaitDetails: waitDetails };
    return { Operations: [op] };
  }
}
const update: OperationUpdate = {
  Id: "c4ca4238a0b92382", Type: OperationType.STEP, Action: OperationAction.RETRY, SubType: OperationSubType.STEP,
  StepOptions: { NextAttemptDelaySeconds: 5 } satisfies StepOptions,
  ContextOptions: { ReplayChildren: true } satisfies ContextOptions,
  WaitOptions: { WaitSeconds: 1 } satisfies WaitOptions,
  CallbackOptions: { TimeoutSeconds: 60 } satisfies CallbackOptions,
  ChainedInvokeOptions: { FunctionName: "f" } satisfies ChainedInvokeOptions,
};
const operation: Operation = {
  Id: "x", Type: OperationType.CALLBACK, Status: OperationStatus.PENDING, StartTimestamp: new Date(),
  ExecutionDetails: { InputPayload: "{}" } satisfies ExecutionDetails,
  ContextDetails: { Result: "1" } satisfies ContextDetails,
  StepDetails: { Attempt: 2, NextAttemptTimestamp: new Date() } satisfies StepDetails,
  WaitDetails: { ScheduledEndTimestamp: new Date() } satisfies WaitDetails,
  CallbackDetails: { CallbackId: "cb" } satisfies CallbackDetails,
  ChainedInvokeDetails: { Result: "{}" } satisfies ChainedInvokeDetails,
};
void [update, operation];

// ---- plugins --------------------------------------------------------------------------------------
class Tracer implements DurableInstrumentationPlugin {
  async onInvocationStart(info: InvocationInfo): Promise<void> { void [info.isFirstInvocation, info.updatedOperations, info.requestId]; }
  async onInvocationEnd(info: InvocationEndInfo): Promise<void> { void (info.status === PluginInvocationStatus.RETRYING); }
  async onOperationStart(info: OperationInfo): Promise<void> { void (info.status === PluginOperationStatus.STARTED && info.isReplay); }
  async onOperationEnd(info: OperationEndInfo): Promise<void> { void info.error?.message; }
  async onOperationAttemptStart(info: AttemptInfo): Promise<void> { void info.attempt; }
  async onOperationAttemptEnd(info: AttemptEndInfo): Promise<void> { void (info.outcome === AttemptEndInfoOutcome.FAILED); }
  async onOperationChange(info: OperationChangeInfo): Promise<void> { void Object.keys(info.updatedOperations); }
  wrapOperationAttemptFn(_info: AttemptInfo, fn: () => unknown): unknown { return fn(); }
  wrapChildContextFn(_info: OperationInfo, fn: () => unknown): unknown { return fn(); }
  enrichLogContext(): Record<string, string | number | boolean> { return { version: SDK_VERSION }; }
}
const tracerType: DurableInstrumentationPluginType<Tracer> = Tracer;
export const durableExecutionPluginProvider: DurableInstrumentationPluginProvider<Tracer> = {
  pluginApiVersion: DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION,
  pluginType: tracerType,
  createPlugin: () => new Tracer(),
};

// ---- the Lambda handler ---------------------------------------------------------------------------
const config: DurableExecutionConfig = { durableExecutionClient: new HttpClient(), plugins: [new Tracer()], pluginsConfig: { childOperationsDepth: 1 } };
export const handler: DurableLambdaHandler = withDurableExecution(handlerBody, config);
export const viaApiClient = withDurableExecution(async (event: { n: number }, ctx) => ctx.step(async () => event.n), { durableExecutionClient: new DurableExecutionApiClient() });
const contextLogger: DurableContextLogger<AppLogger> = new AppLogger();
void contextLogger;

export async function invokeLocally(input: DurableExecutionInvocationInput): Promise<string> {
  const event = new DurableExecutionInvocationInputWithClient(input, new HttpClient());
  const output: DurableExecutionInvocationOutput = await handler(event, {} as never);
  refreshLogConfig();
  if (output.Status === InvocationStatus.SUCCEEDED) return output.Result ?? "";
  if (output.Status === InvocationStatus.FAILED) return output.Error.ErrorMessage ?? "";
  return DurableExecutionInvocationInputWithClient.isInstance(event) ? "pending" : "?";
}
