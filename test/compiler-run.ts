/**
 * End-to-end machinery for compiled programs, shared by the behaviour fixtures
 * (compiler-behaviour.test.ts) and the program fuzzer (fuzz/programs-run.ts): "use-durable" resolved
 * to the runtime (its sources, or a prebuilt copy) or to the plain stand-ins, a handler wrapper that
 * records the execution's ARN, EXECUTION operation and the state every invocation started from, the
 * operation tree histories are compared by, and replays of a finished execution from a given state
 * with the replay client (one invocation, or driven to the end with every wait elapsed).
 * It never asserts: callers decide what a difference means.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import type { Operation, OperationUpdate } from "../runtime/protocol/wire.ts";
import type { LambdaHandler } from "./support/emulator.ts";
import { ReplayClient } from "./compiler-replay-client.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Files "use-durable" and "use-durable/internal" resolve to; external when they are a prebuilt copy. */
export interface RuntimeFiles {
  index: string;
  internal: string;
  external?: boolean;
}

export const RUNTIME_SOURCES: RuntimeFiles = { index: join(REPO, "runtime/index.ts"), internal: join(REPO, "runtime/internal.ts") };

/** "plain": the program with its steps called plainly (compiler-plain-runtime.ts), no durable runtime. */
export function resolveUseDurable(mode: "compiled" | "plain", runtime: RuntimeFiles = RUNTIME_SOURCES): Plugin {
  return {
    name: "use-durable-source",
    setup(b) {
      b.onResolve({ filter: /^use-durable(\/internal)?$/ }, (args) => {
        const internal = args.path === "use-durable/internal";
        if (mode === "plain" && !internal) return { path: join(REPO, "test/compiler-plain-runtime.ts") };
        return { path: internal ? runtime.internal : runtime.index, external: runtime.external === true };
      });
    },
  };
}

/** Types, subtypes, compiler-given names and statuses; children under their parent in creation order. */
export function operationTree(ops: readonly Operation[]): string {
  const lines: string[] = [];
  const children = (parent: string | undefined) => ops.filter((o) => o.Type !== "EXECUTION" && o.ParentId === parent);
  const walk = (parent: string | undefined, depth: number) => {
    for (const o of children(parent)) {
      lines.push(`${"  ".repeat(depth)}${o.Type} ${o.SubType ?? "-"} ${o.Name ?? "-"} ${o.Status}`);
      walk(o.Id, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

export interface Recorded {
  arn: string;
  execution: Operation | undefined;
  /** The operations each invocation started from, in invocation order: the real suspension points. */
  states: Operation[][];
}

/** Wraps a compiled handler so replays can reuse its execution: the ARN, the EXECUTION operation, each invocation's state. */
export function recordingHandler(compiled: LambdaHandler): { handler: LambdaHandler; seen: Recorded } {
  const seen: Recorded = { arn: "", execution: undefined, states: [] };
  const handler: LambdaHandler = (event, lambdaContext) => {
    const e = event as { DurableExecutionArn: string; InitialExecutionState: { Operations?: Operation[] } };
    seen.arn ||= e.DurableExecutionArn;
    const ops = e.InitialExecutionState.Operations ?? [];
    seen.execution ??= ops.find((o) => o.Type === "EXECUTION");
    seen.states.push(structuredClone(ops));
    return compiled(event, lambdaContext);
  };
  return { handler, seen };
}

export interface HandlerOutput {
  Status: string;
  Result?: string;
  Error?: { ErrorMessage?: string };
}

/** One invocation of the run's own execution (its ARN and EXECUTION operation) from `prefix`. */
export async function replayFrom(handler: LambdaHandler, arn: string, execution: Operation, prefix: readonly Operation[]) {
  const client = new ReplayClient([execution, ...prefix]);
  const output = await invoke(handler, arn, client, [execution, ...prefix], 0);
  return { output, updates: client.updates };
}

/**
 * Replays from `prefix`, then re-invokes after each PENDING with every started wait elapsed (and
 * every step retry due), as the service would, until the execution ends or `maxInvocations`.
 */
export async function replayToEnd(handler: LambdaHandler, arn: string, execution: Operation, prefix: readonly Operation[], maxInvocations = 1000) {
  const client = new ReplayClient([execution, ...prefix]);
  let output: HandlerOutput = { Status: "PENDING" };
  let invocations = 0;
  while (output.Status === "PENDING" && invocations < maxInvocations) {
    if (invocations > 0) client.elapseAll();
    output = await invoke(handler, arn, client, client.operations(), invocations++);
  }
  return { output, updates: client.updates as readonly OperationUpdate[], operations: client.operations(), invocations };
}

async function invoke(handler: LambdaHandler, arn: string, client: ReplayClient, operations: readonly Operation[], n: number): Promise<HandlerOutput> {
  const event = { DurableExecutionArn: arn, CheckpointToken: `replay-token-start-${n}`, InitialExecutionState: { Operations: operations }, durableExecutionClient: client };
  return (await handler(event, { getRemainingTimeInMillis: () => 900_000, awsRequestId: `replay-${n}` })) as HandlerOutput;
}

/**
 * The state at the moment `ops[at]` was recorded, rebuilt from a finished run's operations in creation
 * order: everything created up to it with its final status, except an operation with a child created
 * after it (an ancestor of `ops[at]`, or a branch still running), which was STARTED then, without a result.
 */
export function prefixAt(ops: readonly Operation[], at: number): Operation[] {
  const prefix = ops.slice(0, at + 1).map((o) => ({ ...o }));
  const byId = new Map(prefix.map((o) => [o.Id, o]));
  for (const later of ops.slice(at + 1)) {
    for (let parent = later.ParentId; parent !== undefined; ) {
      const p = byId.get(parent);
      if (!p || p.Status === "STARTED") break;
      p.Status = "STARTED";
      delete p.EndTimestamp;
      delete p.ContextDetails;
      parent = p.ParentId;
    }
  }
  for (let parent = ops[at]?.ParentId; parent !== undefined; ) {
    const p = byId.get(parent);
    if (!p) break;
    p.Status = "STARTED";
    delete p.EndTimestamp;
    delete p.ContextDetails;
    parent = p.ParentId;
  }
  return prefix;
}
