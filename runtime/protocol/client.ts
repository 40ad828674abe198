/**
 * The client seam: the two service calls the runtime makes. AWS's emulator injects one on the
 * event (`event.durableExecutionClient`); tests and the local engine may pass one in the config;
 * otherwise `lambda-client.ts` builds one over @aws-sdk/client-lambda.
 */
import type { CheckpointResponse, ExecutionStatePage } from "./wire.ts";
import type {
  CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
} from "./wire-model.ts";
import type { DurableLogger } from "../context/logger.ts";

/**
 * The official SDK 2.4's interface: requests in its model's shapes (wire-model.ts), answers in
 * those or in the runtime's own (wire.ts), so a client written for either fits. The logger is
 * where a client may report a failed call.
 */
export interface DurableExecutionClient {
  checkpoint(params: CheckpointDurableExecutionRequest, logger?: DurableLogger): Promise<CheckpointDurableExecutionResponse | CheckpointResponse>;
  getExecutionState(params: GetDurableExecutionStateRequest, logger?: DurableLogger): Promise<GetDurableExecutionStateResponse | ExecutionStatePage>;
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
