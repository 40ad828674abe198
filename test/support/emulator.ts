/**
 * Runs a Lambda durable handler (ours or the official SDK's) on a durable execution backend with
 * skipped time, and returns what tests assert on: status, result, error, the ordered history as
 * [EventType, SubType, Name] tuples, the operations and the number of invocations. Hooks act on
 * operations as they appear (for example send a callback success once a CALLBACK starts) and
 * register functions for chained invokes.
 *
 * Two backends, one harness: AWS's emulator (`LocalDurableTestRunner` of
 * @aws/durable-execution-sdk-js-testing, the reference) and our engine through use-durable/testing
 * (the same API). USE_DURABLE_BACKEND=engine picks ours; vitest.config.ts runs every runtime and
 * operations test file under both, and each run is recorded for the parity check
 * (test/support/backend-parity.ts) that compares the two backends' histories and results.
 *
 * Call `startEmulator()` in beforeAll and `stopEmulator()` in afterAll of each test file.
 */
import type { DurableOperation, TestResultError } from "@aws/durable-execution-sdk-js-testing";
import { LocalDurableTestRunner as AwsRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";
import { LocalDurableTestRunner as EngineRunner } from "../../engine/testing/index.ts";
import { recordRun } from "./backend-parity.ts";

export type Backend = "aws" | "engine";
export const backend: Backend = process.env.USE_DURABLE_BACKEND === "engine" ? "engine" : "aws";
// Both runners have the same API; the engine's is typed for our handlers, AWS's for the official SDK's.
const LocalDurableTestRunner = (backend === "engine" ? EngineRunner : AwsRunner) as unknown as typeof AwsRunner;

export type LambdaHandler = (event: any, context: any) => Promise<any>;
export type HistoryEntry = [eventType: string, subType: string | undefined, name: string | undefined];

export interface OperationHook {
  /** Pick the operation by name (and optional index among same-named ones) or by position. */
  name?: string;
  index?: number;
  /** When to act. @default WaitingOperationStatus.STARTED */
  when?: WaitingOperationStatus;
  act: (operation: DurableOperation) => unknown;
}

export interface EmulatorOptions {
  payload?: unknown;
  hooks?: OperationHook[];
  /** Plain Lambda functions for chained invokes, by function name. */
  functions?: Record<string, LambdaHandler>;
  /** Durable functions for chained invokes, by function name. */
  durableFunctions?: Record<string, LambdaHandler>;
  /**
   * Keep time real on the engine for this run: hooks that act on the real clock (heartbeats every
   * 300 ms) race its skipped timers. AWS's emulator runs callback timers on the real clock anyway.
   */
  realTime?: boolean;
}

export interface OperationRecord {
  id: string | undefined;
  parentId: string | undefined;
  type: string | undefined;
  subType: string | undefined;
  name: string | undefined;
  status: string | undefined;
}

export interface EmulatorRun {
  status: string | undefined;
  result: unknown;
  error: TestResultError | undefined;
  history: HistoryEntry[];
  operations: OperationRecord[];
  invocations: number;
  raw: { operations: DurableOperation[]; events: unknown[] };
}

export { WaitingOperationStatus };

export async function startEmulator(): Promise<void> {
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
}

export async function stopEmulator(): Promise<void> {
  await LocalDurableTestRunner.teardownTestEnvironment();
}

export async function runOnEmulator(handler: LambdaHandler, options: EmulatorOptions = {}): Promise<EmulatorRun> {
  const runner =
    backend === "engine"
      ? (new EngineRunner({ handlerFunction: handler, ...(options.realTime ? { skipTime: false } : {}) }) as unknown as AwsRunner)
      : new LocalDurableTestRunner({ handlerFunction: handler as never });
  for (const [name, fn] of Object.entries(options.functions ?? {})) runner.registerFunction(name, fn as never);
  for (const [name, fn] of Object.entries(options.durableFunctions ?? {})) runner.registerDurableFunction(name, fn as never);
  // Every hook is awaited to its end, after the run too: an error thrown late, or a hook whose
  // operation never reached its status (the emulator rejects those waits when the run ends), fails
  // the test with the hook named, instead of being lost.
  const hookRuns = (options.hooks ?? []).map(async (hook) => {
    const label = describeHook(hook);
    const operation =
      hook.name !== undefined
        ? runner.getOperation(hook.name, hook.index)
        : runner.getOperationByIndex(hook.index ?? 0);
    try {
      await operation.waitForData(hook.when ?? WaitingOperationStatus.STARTED);
    } catch (error) {
      throw new Error(`${label} never fired: its operation did not reach that status before the run ended (${messageOf(error)})`, { cause: error });
    }
    try {
      await hook.act(operation);
    } catch (error) {
      throw new Error(`${label} threw: ${messageOf(error)}`, { cause: error });
    }
  });
  const result = await runner.run(options.payload === undefined ? {} : { payload: options.payload });
  const failed = (await Promise.allSettled(hookRuns)).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const events = result.getHistoryEvents();
  const operations = result.getOperations();
  const status = result.getStatus();
  const run: EmulatorRun = {
    status,
    result: status === "SUCCEEDED" ? result.getResult() : undefined,
    error: status === "SUCCEEDED" ? undefined : result.getError(),
    history: events.map((e) => [String(e.EventType), e.SubType, e.Name]),
    operations: operations.map((op) => ({
      id: op.getId(),
      parentId: op.getParentId(),
      type: op.getType(),
      subType: op.getSubType(),
      name: op.getName(),
      status: op.getStatus(),
    })),
    invocations: result.getInvocations().length,
    raw: { operations, events },
  };
  recordRun(backend, run);
  return run;
}

function describeHook(hook: OperationHook): string {
  const target = hook.name !== undefined ? `"${hook.name}"${hook.index !== undefined ? ` #${hook.index}` : ""}` : `at index ${hook.index ?? 0}`;
  return `emulator hook on operation ${target} (when ${hook.when ?? WaitingOperationStatus.STARTED})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
