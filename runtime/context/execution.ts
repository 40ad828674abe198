/**
 * One invocation of one execution: the state, the batcher, the lifecycle and the execution-wide
 * settings (serdes, logger). Every DurableContext of the invocation shares one Execution.
 */
import { CheckpointBatcher } from "../protocol/checkpoint-batcher.ts";
import type { DurableExecutionClient } from "../protocol/client.ts";
import type { ExecutionState } from "../protocol/execution-state.ts";
import { currentFrame } from "./current-context.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { DurableLogData, DurableLogger } from "./logger.ts";
import type { PluginRunner } from "./plugin.ts";
import { changeHooks } from "./plugin-hooks.ts";
import { createDefaultLogger, forwardingLogger } from "./logger.ts";
import { hashId } from "./operation-id.ts";
import type { Serdes } from "./serdes.ts";
import { defaultSerdes } from "./serdes.ts";

export interface SerdesConfig {
  defaultSerdes?: Serdes<any>;
  /** Only `deserialize` is used. */
  defaultCallbackDeserializer?: Pick<Serdes<any>, "deserialize">;
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
  /** The instrumentation plugins, as one; undefined without plugins. */
  readonly plugin: PluginRunner | undefined;
  /** Hashed ids the service changed since the last invocation (the event's UpdatedOperationIds). */
  readonly updated: ReadonlySet<string>;
  /** The logger every context's `logger` forwards to: the default one or `configureLogger`'s. */
  logger: DurableLogger;
  modeAware = true;
  /** A step's `logger`: forwards to `logger` without the replay check (steps never replay). */
  readonly stepLogger = forwardingLogger(() => this.logger, () => false);
  serdes: Serdes<any> = defaultSerdes;
  callbackDeserializer: Pick<Serdes<any>, "deserialize"> = passThroughSerdes;
  /** DurableExecutionConfig.pipelinedCheckpoints: an at-least-once step's SUCCEED is not awaited. */
  pipelined = false;

  constructor(options: { arn: string; token: string; state: ExecutionState; client: DurableExecutionClient; lambdaContext: unknown; plugin?: PluginRunner | undefined; updated?: readonly string[] | undefined }) {
    this.arn = options.arn;
    this.state = options.state;
    this.lambdaContext = options.lambdaContext;
    const plugin = (this.plugin = options.plugin);
    this.updated = new Set(options.updated);
    this.logger = createDefaultLogger({ getDurableLogData: () => this.logData() }, plugin && (() => plugin.enrichLogContext()));
    if (plugin) this.state.onChange = changeHooks(this, plugin);
    this.batcher = new CheckpointBatcher({
      client: options.client,
      arn: options.arn,
      token: options.token,
      state: options.state,
      onFailure: (error) => this.lifecycle.fail(error),
      // Closed after our own EXECUTION update: the answer is already decided. (Closed mid-run is a
      // failure the batcher reports through onFailure.)
      onClosed: () => {},
      onIdle: () => this.lifecycle.recheck(),
    });
    this.lifecycle.busy = () => !this.batcher.idle;
  }

  /** What a record logged now says about where it was written (the official SDK's fields). */
  logData(): DurableLogData {
    const lambda = this.lambdaContext as { awsRequestId?: string; tenantId?: string } | undefined;
    const data: DurableLogData = { requestId: lambda?.awsRequestId as string, executionArn: this.arn, tenantId: lambda?.tenantId };
    const frame = currentFrame();
    const at = frame?.step ?? (frame?.context.stepId === undefined ? undefined : { stepId: frame.context.stepId, name: frame.context.name, attempt: undefined });
    if (at) {
      data.operationId = hashId(at.stepId);
      if (at.name !== undefined) data.operationName = at.name;
      if (at.attempt !== undefined) data.attempt = at.attempt;
    }
    return data;
  }
}
