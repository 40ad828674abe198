/**
 * What a handler receives, as Lambda and AWS's emulator build it: the durable invocation event
 * (ARN, token, the first page of state, the ids updated since the last invocation) and a Lambda
 * context whose remaining time counts down from the function's timeout. In process, the event is a
 * `DurableExecutionInvocationInputWithClient` carrying a client, which our runtime and the
 * official SDK both take instead of building their own.
 */
import type { DurableExecutionInvocationInput } from "../../runtime/protocol/wire.ts";
import { functionArn } from "../service/arn.ts";
import type { InvocationStart } from "../service/invocations.ts";
import type { TimeFormat } from "../service/state-view.ts";
import { withTimes } from "../service/state-view.ts";

export interface InjectedClient {
  checkpoint(request: unknown): Promise<unknown>;
  getExecutionState(request: unknown): Promise<unknown>;
}

export function invocationInput(start: InvocationStart, format: TimeFormat): DurableExecutionInvocationInput {
  return {
    DurableExecutionArn: start.arn,
    CheckpointToken: start.checkpointToken,
    UpdatedOperationIds: start.updatedOperationIds,
    InitialExecutionState: withTimes(
      { Operations: start.operations, ...(start.nextMarker ? { NextMarker: start.nextMarker } : { NextMarker: "" }) },
      format,
    ),
  };
}

/** The official SDK recognises this class by its name and tag (DurableExecutionInvocationInputWithClient.isInstance). */
export class DurableExecutionInvocationInputWithClient implements DurableExecutionInvocationInput {
  readonly DurableExecutionArn: string;
  readonly CheckpointToken: string;
  readonly UpdatedOperationIds?: string[];
  readonly InitialExecutionState: DurableExecutionInvocationInput["InitialExecutionState"];
  readonly durableExecutionClient: InjectedClient;

  constructor(input: DurableExecutionInvocationInput, client: InjectedClient) {
    this.DurableExecutionArn = input.DurableExecutionArn;
    this.CheckpointToken = input.CheckpointToken;
    if (input.UpdatedOperationIds !== undefined) this.UpdatedOperationIds = input.UpdatedOperationIds;
    this.InitialExecutionState = input.InitialExecutionState;
    this.durableExecutionClient = client;
  }

  get [Symbol.toStringTag](): string {
    return "DurableExecutionInvocationInputWithClient";
  }
}

export interface LambdaContextInit {
  functionName: string;
  region: string;
  requestId: string;
  timeoutMs: number;
}

export function lambdaContext(init: LambdaContextInit): Record<string, unknown> {
  const deadline = Date.now() + init.timeoutMs;
  const unsupported = () => {
    throw new Error("The engine's Lambda context does not support the callback-style done/fail/succeed; return a promise.");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: init.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn(init.region, init.functionName),
    memoryLimitInMB: "1024",
    awsRequestId: init.requestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: "use-durable-engine",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
