/**
 * The client seam: the two service calls the runtime makes. AWS's emulator injects one on the
 * event (`event.durableExecutionClient`); tests and the local engine may pass one in the config;
 * otherwise `lambda-client.ts` builds one over @aws-sdk/client-lambda.
 */
import type {
  CheckpointRequest,
  CheckpointResponse,
  ExecutionStatePage,
  GetExecutionStateRequest,
} from "./wire.ts";

export interface DurableExecutionClient {
  checkpoint(request: CheckpointRequest): Promise<CheckpointResponse>;
  getExecutionState(request: GetExecutionStateRequest): Promise<ExecutionStatePage>;
  /**
   * A client that only replays a recorded history (`use-durable check --histories`): the whole
   * execution runs in replay-only mode, so recorded operations return their results, nothing runs
   * that was not recorded, and nothing is checkpointed.
   */
  readonly replayOnly?: boolean;
}

export function isDurableExecutionClient(value: unknown): value is DurableExecutionClient {
  const v = value as Partial<DurableExecutionClient> | null | undefined;
  return typeof v?.checkpoint === "function" && typeof v.getExecutionState === "function";
}
