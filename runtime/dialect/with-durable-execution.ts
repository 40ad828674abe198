/**
 * `withDurableExecution(handler, config?)`: the Lambda handler. Validates the event, picks the
 * client (the event's, the config's, else @aws-sdk/client-lambda), loads the state, runs the
 * handler in the root context raced against the lifecycle's termination, waits for queued
 * checkpoints, and answers SUCCEEDED / FAILED / PENDING. Invocation-level faults are thrown so
 * Lambda retries the invocation. It is the one module that knows every operation: it installs the
 * context's operation table at load, so the context layer never imports the operations.
 */
import type { DurableExecutionClient } from "../protocol/client.ts";
import { isDurableExecutionClient } from "../protocol/client.ts";
import { runInContext } from "../context/current-context.ts";
import type { DurableContext } from "../context/durable-context.ts";
import { DurableContextImpl, installOperations } from "../context/durable-context.ts";
import { DurableError, ErrorCode, messageOf, toErrorObject } from "../context/errors.ts";
import { Execution } from "../context/execution.ts";
import { ExecutionState } from "../protocol/execution-state.ts";
import type { LambdaClientLike } from "../protocol/lambda-client.ts";
import { withCallPolicy } from "../protocol/call-policy.ts";
import { createLambdaDurableClient } from "../protocol/lambda-client.ts";
import type { Termination } from "../context/lifecycle.ts";
import type { DurableLogger } from "../context/logger.ts";
import type { DurableInstrumentationPlugin, PluginRunner } from "../context/plugin.ts";
import { createPluginRunner } from "../context/plugin.ts";
import { invocationHooks } from "../context/plugin-hooks.ts";
import { loadPlugins } from "../context/plugin-loader.ts";
import { hashId } from "../context/operation-id.ts";
import { utf8Bytes } from "../context/serdes.ts";
import type { DurableExecutionInvocationInput, DurableExecutionInvocationOutput } from "../protocol/wire.ts";
import { Limits, OperationAction, OperationType } from "../protocol/wire.ts";
import { map } from "../batch/map.ts";
import { parallel } from "../batch/parallel.ts";
import { promiseCombinators } from "../batch/promise-combinators.ts";
import { createCallback } from "../operations/callback.ts";
import { runInChildContext } from "../operations/child-context.ts";
import { invoke } from "../operations/invoke.ts";
import { step } from "../operations/step.ts";
import { waitForCallback } from "../operations/wait-for-callback.ts";
import { waitForCondition } from "../operations/wait-for-condition.ts";
import { wait } from "../operations/wait.ts";

installOperations({ step, wait, runInChildContext, createCallback, waitForCallback, invoke, waitForCondition, map, parallel, promiseCombinators });

export type DurableHandler<TEvent = any, TResult = any, TLogger extends DurableLogger = DurableLogger> = (event: TEvent, context: DurableContext<TLogger>) => Promise<TResult>;
/** The official SDK's name for a durable handler. */
export type DurableExecutionHandler<TEvent = any, TResult = any, TLogger extends DurableLogger = DurableLogger> = DurableHandler<TEvent, TResult, TLogger>;

export type DurableLambdaHandler = (event: unknown, lambdaContext?: unknown) => Promise<DurableExecutionInvocationOutput>;

export interface DurableExecutionConfig {
  /** Used when the event carries no client (AWS's emulator injects one). */
  durableExecutionClient?: DurableExecutionClient;
  /** A configured LambdaClient (or anything with `send`) for the default client. */
  client?: LambdaClientLike;
  /**
   * Opt-in. A completed at-least-once step returns its result without waiting for its SUCCEED to be
   * acknowledged, so short steps in a row share requests (up to 125 steps, START and SUCCEED each, per
   * request) instead of paying a round trip each. The invocation's outcome still waits for every
   * checkpoint, and an at-most-once step, a wait or a callback still waits for everything before it.
   * The trade: code after a step (later steps' side effects included) may run before that step's
   * result is durable; if that checkpoint then fails, the invocation fails, and the retry re-runs the
   * step and everything after it, possibly seeing a different result; a checkpoint error surfaces at
   * a later await instead of at the step's. @default false
   */
  pipelinedCheckpoints?: boolean;
  /** Instrumentation plugins, before those named in DURABLE_EXECUTION_PLUGINS. */
  plugins?: DurableInstrumentationPlugin[];
  pluginsConfig?: {
    /**
     * Levels of child contexts whose children are kept in the state after they finish (checkpointed
     * with ReplayChildren), so plugins see the whole tree in later invocations: 1 keeps the
     * children of top-level contexts, Infinity everything. @default 0
     */
    childOperationsDepth?: number;
  };
}

export function withDurableExecution<TEvent = any, TResult = any, TLogger extends DurableLogger = DurableLogger>(
  handler: DurableHandler<TEvent, TResult, TLogger>,
  config: DurableExecutionConfig = {},
): DurableLambdaHandler {
  if (typeof handler !== "function") {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `withDurableExecution(handler): handler must be an async function (event, context) => result, got ${typeof handler}.`);
  }
  // Loaded once, while the function initialises; a failure answers every invocation FAILED.
  const plugins = loadPlugins(config.plugins).then(createPluginRunner);
  plugins.catch(() => {});
  return async (event, lambdaContext) => {
    let input: DurableExecutionInvocationInput;
    try {
      input = validateEvent(event);
    } catch (error) {
      // A malformed event that still names its execution: no retry can read it, so it ends here.
      if (DurableError.is(error) && error.fatal === "execution") return { Status: "FAILED", Error: toErrorObject(error) };
      throw error;
    }
    const problem = configProblem(config);
    let plugin: PluginRunner | undefined;
    try {
      if (problem) throw new DurableError(ErrorCode.INVALID_ARGUMENT, problem);
      plugin = await plugins;
    } catch (error) {
      return { Status: "FAILED", Error: toErrorObject(error) };
    }
    const injected = (event as { durableExecutionClient?: unknown }).durableExecutionClient;
    const client = isDurableExecutionClient(injected)
      ? injected
      : config.durableExecutionClient ?? withCallPolicy(createLambdaDurableClient(config.client), { remainingMs: remainingOf(lambdaContext) });
    let state: ExecutionState;
    let userInput: TEvent;
    try {
      state = await ExecutionState.load(input, client);
      userInput = parseInput(state.execution?.ExecutionDetails?.InputPayload) as TEvent;
    } catch (error) {
      // Bad input no retry can read (malformed state, input that is not JSON) ends the execution here, once.
      if (DurableError.is(error) && error.fatal === "execution") return { Status: "FAILED", Error: toErrorObject(error) };
      throw error;
    }
    const execution = new Execution({ arn: input.DurableExecutionArn, token: input.CheckpointToken, state, client, lambdaContext, plugin, updated: input.UpdatedOperationIds });
    execution.pipelined = config.pipelinedCheckpoints === true;
    const root = new DurableContextImpl(execution, { preserve: rootPreserve(config.pluginsConfig?.childOperationsDepth), replayOnly: client.replayOnly === true });
    const base = {
      requestId: (lambdaContext as { awsRequestId?: string } | undefined)?.awsRequestId as string,
      executionArn: input.DurableExecutionArn,
      executionInput: userInput,
      executionStartTimestamp: state.execution?.StartTimestamp === undefined ? undefined : new Date(state.execution.StartTimestamp as string),
    };

    return invocationHooks(execution, base, input.UpdatedOperationIds ?? [], async (settled) => {
      const body = runInContext(root, () => Promise.resolve().then(() => handler(userInput, root)));
      const outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | Termination = await Promise.race([
        body.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })),
        execution.lifecycle.termination,
      ]);
      if (!("kind" in outcome)) settled(outcome);
      try {
        return await finish(execution, outcome);
      } finally {
        // Abandoned work (a suspended branch, a race's loser) must not checkpoint after the answer.
        execution.lifecycle.terminate({ kind: "suspend", reason: "invocation answered" });
        execution.batcher.stop();
      }
    });
  };
}

/** A config the official SDK refuses too: the invocation answers FAILED without running. */
function configProblem(config: DurableExecutionConfig): string | undefined {
  const depth = config.pluginsConfig?.childOperationsDepth;
  if (depth !== undefined && depth !== Infinity && !(Number.isInteger(depth) && depth >= 0)) {
    return `pluginsConfig.childOperationsDepth must be a non-negative integer or Infinity; got ${String(depth)}.`;
  }
  return config.client && config.durableExecutionClient
    ? "withDurableExecution: pass client or durableExecutionClient, not both (new DurableExecutionApiClient(client) keeps the Lambda transport)."
    : undefined;
}

/** The root's budget of preserved levels: a context keeps its children while its budget is >= 1. */
function rootPreserve(depth: number | undefined): number {
  return depth === undefined || depth <= 0 ? 0 : depth + 1;
}

async function finish(
  execution: Execution,
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | Termination,
): Promise<DurableExecutionInvocationOutput> {
  if ("kind" in outcome) {
    // As in the official SDK, updates queued before a fatal error still reach the service.
    if (outcome.kind === "failed") await execution.batcher.drain().catch(() => {});
    return fromTermination(outcome);
  }
  const fatal = !outcome.ok && DurableError.is(outcome.error) ? outcome.error.fatal : undefined;
  if (!outcome.ok && fatal) execution.lifecycle.fail(outcome.error);
  else {
    try {
      await Promise.race([execution.batcher.drain(), execution.lifecycle.termination]);
    } catch {
      // the batcher reported its failure to the lifecycle; handled below
    }
  }
  // Once the handler has settled, only a failure can change the answer; a suspension decided
  // meanwhile (a race's losing wait) no longer applies.
  const ended = execution.lifecycle.terminated;
  if (ended && ended.kind !== "suspend") return fromTermination(ended);
  if (!outcome.ok) return { Status: "FAILED", Error: toErrorObject(outcome.error) };
  let result: string | undefined;
  try {
    result = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
  } catch (cause) {
    // A bigint or a cycle: every retry would fail the same way, so the execution ends here.
    return fromTermination({ kind: "failed", error: new DurableError(ErrorCode.SERDES_FAILED, `The handler's result cannot be sent as JSON: ${messageOf(cause)}. Return JSON data (a bigint as a string, no cycles).`, { cause, fatal: "execution", name: "SerdesError" }) });
  }
  if (utf8Bytes(result) <= Limits.RESPONSE_BYTES) return result === undefined ? { Status: "SUCCEEDED" } : { Status: "SUCCEEDED", Result: result };
  // Too large for the Lambda response: record it on the EXECUTION operation instead.
  try {
    await execution.batcher.enqueue({
      Id: hashId(`execution-result-${Date.now()}`),
      Type: OperationType.EXECUTION,
      Action: OperationAction.SUCCEED,
      Payload: result,
    });
  } catch (error) {
    return fromTermination(execution.lifecycle.terminated ?? { kind: "throw", error });
  }
  return { Status: "SUCCEEDED", Result: "" };
}

function fromTermination(termination: Termination): DurableExecutionInvocationOutput {
  if (termination.kind === "suspend") return { Status: "PENDING" };
  if (termination.kind === "failed") return { Status: "FAILED", Error: toErrorObject(termination.error) };
  throw termination.error;
}

function parseInput(payload: string | undefined): unknown {
  try {
    return JSON.parse(payload ?? "{}");
  } catch (cause) {
    throw invalidEvent(
      `The execution's input is not JSON (ExecutionDetails.InputPayload starts ${JSON.stringify(String(payload).slice(0, 40))}). ` +
        `Start durable executions with a JSON payload.`,
      "execution",
      cause,
    );
  }
}

export function isDurableInvocationEvent(event: unknown): event is DurableExecutionInvocationInput {
  const e = event as Partial<DurableExecutionInvocationInput> | null;
  return (
    typeof e === "object" && e !== null &&
    typeof e.DurableExecutionArn === "string" && typeof e.CheckpointToken === "string" &&
    typeof e.InitialExecutionState === "object" && e.InitialExecutionState !== null
  );
}

const HOW_TO_INVOKE =
  `Durable handlers are invoked by the Lambda durable execution service: create the function ` +
  `with DurableConfig and invoke it normally, or run it locally with the test runner. ` +
  `To call the workflow's logic directly in a test, call the undecorated function instead.`;

/**
 * Without an ARN and a token there is no execution to end: the error is thrown (a direct invoke
 * sees it). With them, a malformed state is the execution's bad input: it ends FAILED.
 */
function validateEvent(event: unknown): DurableExecutionInvocationInput {
  const e = event as Record<string, unknown> | null;
  const identity = typeof e !== "object" || e === null ? `got ${e}` : ["DurableExecutionArn", "CheckpointToken"]
    .map((key) => (e[key] == null ? `missing ${key}` : typeof e[key] !== "string" ? `${key} must be a string, got ${typeof e[key]}` : ""))
    .filter(Boolean).join(", ");
  if (identity) throw invalidEvent(`The Lambda event is not a durable execution invocation (${identity}). ${HOW_TO_INVOKE}`, "invocation");
  const state = e!["InitialExecutionState"] as { Operations?: unknown } | null | undefined;
  const problem = typeof state !== "object" || state === null ? `InitialExecutionState is ${state === undefined ? "missing" : `${state}`}`
    : state.Operations !== undefined && !Array.isArray(state.Operations) ? `InitialExecutionState.Operations must be an array, got ${typeof state.Operations}` : "";
  if (problem) throw invalidEvent(`The invocation event is malformed: ${problem}. The service always sends the execution's state; a truncated or hand-made event cannot be replayed.`, "execution");
  return event as DurableExecutionInvocationInput;
}

/** Lambda's remaining time, when the context has it (not a direct call in a test). */
function remainingOf(lambdaContext: unknown): (() => number) | undefined {
  const get = (lambdaContext as { getRemainingTimeInMillis?: unknown } | undefined)?.getRemainingTimeInMillis;
  return typeof get === "function" ? () => get.call(lambdaContext) as number : undefined;
}

function invalidEvent(message: string, fatal: "execution" | "invocation", cause?: unknown): DurableError {
  return new DurableError(ErrorCode.INVALID_EVENT, message, { cause, fatal, name: "InvalidEventError" });
}
