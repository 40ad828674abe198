/**
 * `DurableExecutionApiClient` (official SDK 2.4): the DurableExecutionClient over the Lambda API,
 * as a class a custom setup can construct, wrap or pass as `durableExecutionClient`. It uses the
 * given LambdaClient, else the runtime's default one (@aws-sdk/client-lambda loaded lazily, user
 * agent and timeouts set). A failed call is reported to the logger passed with it, then rethrown
 * unchanged so the runtime classifies it. withDurableExecution builds the same client itself; this
 * module only adds the class, so a handler that does not import it does not ship it.
 */
import type { DurableExecutionClient } from "./client.ts";
import type { LambdaClientLike } from "./lambda-client.ts";
import { createLambdaDurableClient } from "./lambda-client.ts";
import type { CheckpointDurableExecutionRequest, GetDurableExecutionStateRequest } from "./wire-model.ts";

/** Anything with `error(...)`: the durable logger, console, pino, ... */
interface ErrorLogger {
  error(...params: any[]): void;
}

export class DurableExecutionApiClient implements DurableExecutionClient {
  private readonly client: DurableExecutionClient;

  constructor(client?: LambdaClientLike) {
    this.client = createLambdaDurableClient(client);
  }

  getExecutionState(params: GetDurableExecutionStateRequest, logger?: ErrorLogger): ReturnType<DurableExecutionClient["getExecutionState"]> {
    return reported(this.client.getExecutionState(params), "Failed to get durable execution state", logger);
  }

  checkpoint(params: CheckpointDurableExecutionRequest, logger?: ErrorLogger): ReturnType<DurableExecutionClient["checkpoint"]> {
    return reported(this.client.checkpoint(params), "Failed to checkpoint durable execution", logger);
  }
}

async function reported<T>(call: Promise<T>, message: string, logger: ErrorLogger | undefined): Promise<T> {
  try {
    return await call;
  } catch (error) {
    logger?.error(message, error, { requestId: (error as { $metadata?: { requestId?: string } } | undefined)?.$metadata?.requestId });
    throw error;
  }
}
