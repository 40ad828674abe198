/**
 * `DurableExecutionInvocationInputWithClient` (official SDK 2.4): an invocation event that carries
 * the client to use, the way a test harness (AWS's emulator) hands a handler its service.
 * withDurableExecution uses `event.durableExecutionClient` whenever it is a client, so this class
 * is only a typed way to build such an event; `isInstance` recognises one across bundled copies.
 */
import type { DurableExecutionClient } from "./client.ts";
import type { DurableExecutionInvocationInput, WireOperation } from "./wire-model.ts";

const TAG = "DurableExecutionInvocationInputWithClient";

export class DurableExecutionInvocationInputWithClient implements DurableExecutionInvocationInput {
  readonly durableExecutionClient: DurableExecutionClient;
  readonly InitialExecutionState: { Operations: WireOperation[]; NextMarker?: string | undefined };
  readonly DurableExecutionArn: string;
  readonly CheckpointToken: string;

  constructor(params: DurableExecutionInvocationInput, durableExecutionClient: DurableExecutionClient) {
    this.durableExecutionClient = durableExecutionClient;
    this.InitialExecutionState = params.InitialExecutionState;
    this.DurableExecutionArn = params.DurableExecutionArn;
    this.CheckpointToken = params.CheckpointToken;
  }

  static isInstance(event: unknown): event is DurableExecutionInvocationInputWithClient {
    return (
      event instanceof DurableExecutionInvocationInputWithClient ||
      (typeof event === "object" && event !== null && Object.prototype.toString.call(event) === `[object ${TAG}]` && "durableExecutionClient" in event)
    );
  }

  get [Symbol.toStringTag](): string {
    return TAG;
  }
}
