/**
 * One operation as a test sees it (AWS's DurableOperation): found by name, index or id, possibly
 * before it exists; its data once it does; `waitForData` until it reaches a status; detail getters
 * that parse results as JSON; and the callback calls, which go to the engine. A waitForCallback
 * context answers for its callback: STARTED and SUBMITTED follow its submitter step, COMPLETED its
 * callback, as AWS's runner resolves them.
 */
import type { ErrorObject, Operation, OperationStatus, OperationType } from "../../runtime/protocol/wire.ts";
import type { OperationEntry, OperationIndex } from "./operation-index.ts";
import type {
  CallbackDetails, ChainedInvokeDetails, ContextDetails, DurableOperation, Event, StepDetails, TestResultError, WaitResultDetails,
} from "./types.ts";
import { WaitingOperationStatus } from "./types.ts";

export interface CallbackSender {
  success(callbackId: string, result: string | undefined): Promise<void>;
  failure(callbackId: string, error: ErrorObject | undefined): Promise<void>;
  heartbeat(callbackId: string): Promise<void>;
}

export interface OperationContext {
  index: OperationIndex;
  callbacks: CallbackSender;
  waitFor(operation: TestOperation, status: WaitingOperationStatus): Promise<void>;
}

const COMPLETED = new Set(["CANCELLED", "FAILED", "STOPPED", "SUCCEEDED", "TIMED_OUT"]);

export function statusMatches(status: string | undefined, expected: WaitingOperationStatus): boolean {
  if (!status) return false;
  return expected === WaitingOperationStatus.STARTED ? true : COMPLETED.has(status);
}

export class TestOperation<TResult = any> implements DurableOperation<TResult> {
  /** The run this handle belongs to: a handle taken before `run()` follows the run that comes. */
  private readonly contextOf: () => OperationContext;
  entry: OperationEntry | undefined;

  constructor(context: OperationContext | (() => OperationContext), entry?: OperationEntry) {
    this.contextOf = typeof context === "function" ? context : () => context;
    this.entry = entry;
  }

  private get context(): OperationContext {
    return this.contextOf();
  }

  async waitForData(status: WaitingOperationStatus = WaitingOperationStatus.STARTED): Promise<DurableOperation<TResult>> {
    if (!statusMatches(this.getStatus(), status)) await this.context.waitFor(this, status);
    return this;
  }

  getOperationData(): Operation | undefined {
    return this.entry?.operation;
  }

  getEvents(): Event[] | undefined {
    return this.entry?.events;
  }

  getId(): string | undefined {
    return this.entry?.operation.Id;
  }

  getParentId(): string | undefined {
    return this.entry?.operation.ParentId;
  }

  getName(): string | undefined {
    return this.entry?.operation.Name;
  }

  getType(): OperationType | undefined {
    return this.entry?.operation.Type as OperationType | undefined;
  }

  getSubType(): string | undefined {
    return this.entry?.operation.SubType;
  }

  getStatus(): OperationStatus | undefined {
    return this.entry?.operation.Status as OperationStatus | undefined;
  }

  getStartTimestamp(): Date | undefined {
    return this.entry?.operation.StartTimestamp as Date | undefined;
  }

  getEndTimestamp(): Date | undefined {
    return this.entry?.operation.EndTimestamp as Date | undefined;
  }

  isWaitForCallback(): boolean {
    return this.getType() === "CONTEXT" && this.getSubType() === "WaitForCallback";
  }

  isCallback(): boolean {
    return this.getType() === "CALLBACK";
  }

  getChildOperations(): DurableOperation[] | undefined {
    const id = this.getId();
    if (id === undefined) return undefined;
    const context = this.context;
    return context.index.children(id).map((entry) => new TestOperation(context, entry));
  }

  getContextDetails(): ContextDetails<TResult> | undefined {
    const op = this.typed("CONTEXT");
    return op && { result: parseJson(op.ContextDetails?.Result) as TResult | undefined, error: resultError(op.ContextDetails?.Error) };
  }

  getStepDetails(): StepDetails<TResult> | undefined {
    const op = this.typed("STEP");
    const details = op?.StepDetails;
    return (
      op && {
        attempt: details?.Attempt,
        nextAttemptTimestamp: details?.NextAttemptTimestamp as Date | undefined,
        result: parseJson(details?.Result) as TResult | undefined,
        error: resultError(details?.Error),
      }
    );
  }

  getWaitDetails(): WaitResultDetails | undefined {
    const op = this.typed("WAIT");
    if (!op) return undefined;
    const started = this.entry?.events[0]?.WaitStartedDetails as { Duration?: number; ScheduledEndTimestamp?: Date } | undefined;
    if (!started) throw new Error("First wait event does not have WaitStartedDetails");
    return {
      ...(started.Duration !== undefined ? { waitSeconds: started.Duration } : {}),
      ...(started.ScheduledEndTimestamp !== undefined ? { scheduledEndTimestamp: started.ScheduledEndTimestamp } : {}),
    };
  }

  getChainedInvokeDetails(): ChainedInvokeDetails<TResult> | undefined {
    const op = this.typed("CHAINED_INVOKE");
    if (!op) return undefined;
    const details = op.ChainedInvokeDetails;
    const error = resultError(details?.Error);
    return { ...(details?.Result ? { result: JSON.parse(details.Result) as TResult } : {}), ...(error ? { error } : {}) };
  }

  getCallbackDetails(): CallbackDetails<TResult> | undefined {
    const op = this.entry?.operation;
    if (!op) return undefined;
    let callback: Operation | undefined;
    if (op.Type === "CALLBACK") callback = op;
    else if (this.isWaitForCallback()) {
      callback = this.context.index.children(op.Id).find((child) => child.operation.Type === "CALLBACK")?.operation;
      if (!callback) throw new Error("Could not find CALLBACK operation in WAIT_FOR_CALLBACK context");
    } else {
      throw new Error(`Operation with Type ${op.Type} and SubType ${op.SubType} is not a valid callback`);
    }
    const details = callback.CallbackDetails;
    if (details?.CallbackId === undefined) throw new Error("Could not find callback ID in callback details");
    const error = resultError(details.Error);
    const result = parseJson(details.Result) as TResult | undefined;
    return { callbackId: details.CallbackId, ...(error ? { error } : {}), ...(result !== undefined ? { result } : {}) };
  }

  async sendCallbackSuccess(result?: string): Promise<Record<string, never>> {
    await this.context.callbacks.success(this.callbackId(), result);
    return {};
  }

  async sendCallbackFailure(error?: ErrorObject): Promise<Record<string, never>> {
    await this.context.callbacks.failure(this.callbackId(), error);
    return {};
  }

  async sendCallbackHeartbeat(): Promise<Record<string, never>> {
    await this.context.callbacks.heartbeat(this.callbackId());
    return {};
  }

  private callbackId(): string {
    const details = this.getCallbackDetails();
    if (!details) throw new Error("Could not find callback details: the operation has not started yet (await waitForData() first).");
    return details.callbackId;
  }

  private typed(type: string): Operation | undefined {
    const op = this.entry?.operation;
    if (op && op.Type !== type) throw new Error(`Operation type ${op.Type} is not ${type}`);
    return op;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function resultError(error: ErrorObject | undefined): TestResultError | undefined {
  if (!error) return undefined;
  return {
    errorData: error.ErrorData,
    errorMessage: error.ErrorMessage,
    errorType: error.ErrorType,
    stackTrace: error.StackTrace ? [...error.StackTrace] : undefined,
  };
}
