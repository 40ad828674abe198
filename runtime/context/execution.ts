/**
 * One invocation of one execution: the state, the batcher, the lifecycle and the execution-wide
 * settings (serdes, logger). Every DurableContext of the invocation shares one Execution.
 */
import { CheckpointBatcher } from "../protocol/checkpoint-batcher.ts";
import type { DurableExecutionClient } from "../protocol/client.ts";
import type { ExecutionState } from "../protocol/execution-state.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { LoggerConfig } from "./logger.ts";
import type { Serdes } from "./serdes.ts";
import { defaultSerdes } from "./serdes.ts";

export interface SerdesConfig {
  defaultSerdes?: Serdes<any>;
  defaultCallbackDeserializer?: Serdes<any>;
}

/** Callback results are passed through as the raw string unless a deserializer is configured. */
export const passThroughSerdes: Serdes<any> = {
  serialize: (value) => value as string | undefined,
  deserialize: (data) => data,
};

export class Execution {
  readonly arn: string;
  readonly state: ExecutionState;
  readonly batcher: CheckpointBatcher;
  readonly lifecycle = new Lifecycle();
  readonly lambdaContext: unknown;
  loggerConfig: LoggerConfig = {};
  serdes: Serdes<any> = defaultSerdes;
  callbackDeserializer: Serdes<any> = passThroughSerdes;
  /** DurableExecutionConfig.pipelinedCheckpoints: an at-least-once step's SUCCEED is not awaited. */
  pipelined = false;

  constructor(options: { arn: string; token: string; state: ExecutionState; client: DurableExecutionClient; lambdaContext: unknown }) {
    this.arn = options.arn;
    this.state = options.state;
    this.lambdaContext = options.lambdaContext;
    this.batcher = new CheckpointBatcher({
      client: options.client,
      arn: options.arn,
      token: options.token,
      state: options.state,
      onFailure: (error) => this.lifecycle.fail(error),
      onClosed: (terminal) => {
        // The service ended the checkpoint session without us asking: stop, and let it re-invoke.
        if (!terminal) this.lifecycle.terminate({ kind: "suspend", reason: "checkpointing closed by the service" });
      },
      onIdle: () => this.lifecycle.recheck(),
    });
    this.lifecycle.busy = () => !this.batcher.idle;
  }
}
