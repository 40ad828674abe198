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
import { createLambdaDurableClient } from "../protocol/lambda-client.ts";
import type { Termination } from "../context/lifecycle.ts";
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

export type DurableHandler<TEvent = any, TResult = any> = (event: TEvent, context: DurableContext) => Promise<TResult>;

export type DurableLambdaHandler = (event: unknown, lambdaContext?: unknown) => Promise<DurableExecutionInvocationOutput>;

export interface DurableExecutionConfig {
  /** Used when the event carries no client (AWS's emulator injects one). */
  durableExecutionClient?: DurableExecutionClient;
  /** A configured LambdaClient (or anything with `send`) for the default client. */
  client?: LambdaClientLike;
}

export function withDurableExecution<TEvent = any, TResult = any>(
  handler: DurableHandler<TEvent, TResult>,
  config: DurableExecutionConfig = {},
): DurableLambdaHandler {
  if (typeof handler !== "function") {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `withDurableExecution(handler): handler must be an async function (event, context) => result, got ${typeof handler}.`);
  }
  return async (event, lambdaContext) => {
    let execution: Execution;
    let root: DurableContextImpl;
    let userInput: TEvent;
    try {
      const input = validateEvent(event);
      const injected = (event as { durableExecutionClient?: unknown }).durableExecutionClient;
      const client = isDurableExecutionClient(injected)
        ? injected
        : config.durableExecutionClient ?? createLambdaDurableClient(config.client);
      const state = await ExecutionState.load(input, client);
      execution = new Execution({ arn: input.DurableExecutionArn, token: input.CheckpointToken, state, client, lambdaContext });
      root = new DurableContextImpl(execution, { replayOnly: client.replayOnly === true });
      userInput = parseInput(state.execution?.ExecutionDetails?.InputPayload) as TEvent;
    } catch (error) {
      // Bad input no retry can read (a malformed event or state) ends the execution here, once.
      if (DurableError.is(error) && error.fatal === "execution") return { Status: "FAILED", Error: toErrorObject(error) };
      throw error;
    }

    const body = runInContext(root, () => Promise.resolve().then(() => handler(userInput, root)));
    const outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | Termination = await Promise.race([
      body.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })),
      execution.lifecycle.termination,
    ]);
    try {
      return await finish(execution, outcome);
    } finally {
      // Abandoned work (a suspended branch, a race's loser) must not checkpoint after the answer.
      execution.lifecycle.terminate({ kind: "suspend", reason: "invocation answered" });
      execution.batcher.stop();
    }
  };
}

async function finish(
  execution: Execution,
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | Termination,
): Promise<DurableExecutionInvocationOutput> {
  if ("kind" in outcome) return fromTermination(outcome);
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

function invalidEvent(message: string, fatal: "execution" | "invocation", cause?: unknown): DurableError {
  return new DurableError(ErrorCode.INVALID_EVENT, message, { cause, fatal, name: "InvalidEventError" });
}
