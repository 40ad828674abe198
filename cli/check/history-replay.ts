/**
 * Replays one recorded execution against a bundle's handler without running a step: the handler gets
 * the recorded operations and a client that says `replayOnly`, so recorded operations return their
 * results, the runtime checks each position's Type / SubType / Name as on Lambda, and anything not
 * recorded waits forever instead of running. Reports the first divergence: a mismatch at a position,
 * a recorded operation the new code never reaches, or an outcome other than the recorded one.
 */
import { foldHistory, type RecordedOperation } from "./history-operations.ts";
import type { RecordedExecution } from "./history-source.ts";

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface ReplayOutcome {
  label: string;
  arn?: string;
  ok: boolean;
  /** Operations recorded (the execution itself not counted) / replayed by the new code. */
  recorded: number;
  replayed: number;
  detail: string;
}

const ROUNDS_IDLE = 3;
const MAX_ROUNDS = 10_000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const describe = (o: RecordedOperation) => `${o.Type} ${o.SubType ?? ""} "${o.Name ?? ""}" (id ${o.Id})`.replace("  ", " ");

export async function replayExecution(handler: LambdaHandler, execution: RecordedExecution): Promise<ReplayOutcome> {
  const { operations, status: recordedStatus } = foldHistory(execution.events, execution.label);
  const byId = new Map(operations.map((o) => [o.Id, o]));
  const finishedParent = (o: RecordedOperation) => {
    for (let p = o.ParentId; p !== undefined; p = byId.get(p)?.ParentId) {
      const c = byId.get(p);
      if (c?.Type === "CONTEXT" && (c.Status === "SUCCEEDED" || c.Status === "FAILED")) return true;
    }
    return false;
  };
  const expected = operations.filter((o) => o.Type !== "EXECUTION" && !finishedParent(o));
  // The runtime reads a recorded operation's Name only when Type and SubType matched its call:
  // that read marks the position replayed.
  const replayed = new Set<string>();
  const given = operations.map((o) => {
    if (o.Type === "EXECUTION") return { ...o };
    const copy: Record<string, unknown> = { ...o };
    delete copy.Name;
    Object.defineProperty(copy, "Name", { enumerable: true, get: () => (replayed.add(o.Id), o.Name) });
    return copy;
  });
  const base = { label: execution.label, ...(execution.arn !== undefined && { arn: execution.arn }), recorded: expected.length };
  const done = (ok: boolean, detail: string): ReplayOutcome => ({ ...base, ok, replayed: expected.filter((o) => replayed.has(o.Id)).length, detail });

  const client = { replayOnly: true, checkpoint: () => new Promise(() => {}), getExecutionState: async () => ({ Operations: [] }) };
  const event = { DurableExecutionArn: execution.arn ?? `arn:use-durable:replay:${execution.label}`, CheckpointToken: "replay", InitialExecutionState: { Operations: given }, durableExecutionClient: client };
  const context = { functionName: "replay", awsRequestId: "replay", getRemainingTimeInMillis: () => 900_000 };

  let settled: { output?: unknown; thrown?: unknown } | undefined;
  const quiet = silenceConsole();
  try {
    void Promise.resolve()
      .then(() => handler(event, context))
      .then((output) => (settled = { output }), (thrown: unknown) => (settled = { thrown }));
    // Replay runs on microtasks: once some macrotask turns pass with no new position replayed and
    // no outcome, the code waits at the end of the history (what was not recorded does not run).
    let idle = 0;
    for (let round = 0; round < MAX_ROUNDS && !settled && idle < ROUNDS_IDLE; round++) {
      const before = replayed.size;
      await tick();
      idle = replayed.size === before ? idle + 1 : 0;
    }
  } finally {
    quiet();
  }
  const firstUnreached = expected.find((o) => !replayed.has(o.Id));
  if (!settled) {
    if (firstUnreached) return done(false, `stops before recorded ${describe(firstUnreached)}: the new code waits for an operation the history does not have, where the old code had made this one`);
    return done(true, recordedStatus === "STARTED" ? "replays every recorded operation and waits where the execution waits" : "replays every recorded operation");
  }
  if (settled.thrown !== undefined) return done(false, `the handler throws on replay: ${(settled.thrown as Error)?.message ?? String(settled.thrown)}`);
  const output = settled.output as { Status?: string; Error?: { ErrorType?: string; ErrorMessage?: string } } | undefined;
  if (output?.Status === "FAILED" && /NonDeterministic/.test(output.Error?.ErrorType ?? "")) return done(false, output.Error?.ErrorMessage ?? "non-deterministic execution");
  if (firstUnreached) return done(false, `ends ${output?.Status ?? "?"} without reaching recorded ${describe(firstUnreached)}`);
  if (output?.Status === "FAILED" && recordedStatus !== "FAILED") return done(false, `fails on replay where the recorded execution ${recordedStatus === "STARTED" ? "is still running" : `ended ${recordedStatus}`}: ${output.Error?.ErrorType ?? "Error"}: ${output.Error?.ErrorMessage ?? ""}`);
  // A parked execution suspends where it was parked (PENDING), or waits there forever in replay-only
  // mode: both are the same answer.
  if (output?.Status === "PENDING" && recordedStatus === "STARTED") return done(true, "replays every recorded operation and waits where the execution waits");
  return done(true, `replays every recorded operation and ends ${output?.Status ?? "?"}`);
}

/** User code's console output during a replay is not the command's. */
function silenceConsole(): () => void {
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = () => {};
  return () => methods.forEach((m, i) => (console[m] = saved[i]!));
}
