/**
 * One schedule: the seed picks a workflow (generated, or a compiled "use durable" program) and a
 * fault schedule; the workflow runs once without faults and once with them, each on its own
 * service (the simulated one, or the engine, whose faulty run also has engine crashes drawn), and
 * the properties of SPEC.md are checked. Returns the violations (empty when the schedule holds)
 * and what happened, for the figures.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DurableExecutionInvocationOutput, Operation } from "../../runtime/protocol/wire.ts";
import type { CompiledWorkflow } from "./compiled-workflows.ts";
import type { FaultKind } from "./fault-client.ts";
import { FAULT_KINDS, FaultSchedule } from "./fault-client.ts";
import type { SimHandler } from "./lambda-driver.ts";
import { describeError, drive } from "./lambda-driver.ts";
import { Random } from "./random.ts";
import { ServiceModel } from "./service-model.ts";
import type { SimService, World } from "./service-model.ts";
import type { CrashKind } from "./engine-crashes.ts";
import { CrashPlan } from "./engine-crashes.ts";
import { EngineService } from "./engine-service.ts";
import { Effects, generateWorkflow, workflowHandler, worldOf } from "./workflows.ts";

export interface ScheduleResult {
  seed: number;
  workflow: string;
  violations: string[];
  invocations: number;
  thrown: number;
  abandoned: number;
  faults: Record<FaultKind, number>;
  /** Engine crashes injected (the engine backend only). */
  crashes: Record<CrashKind, number>;
}

/** Which service the schedules run against: the simulated one, or the engine with crashes. */
export type Backend = "model" | "engine";

export interface ScheduleOptions {
  backend?: Backend;
  /** The engine's database files go here (the engine backend's faulty runs). */
  dir?: string;
}

/** Rejections nobody handled, collected by whoever runs schedules (`watchUnhandledRejections`). */
export const unhandled: string[] = [];

export function watchUnhandledRejections(): () => void {
  const listener = (reason: unknown): void => {
    unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  };
  process.on("unhandledRejection", listener);
  return () => process.off("unhandledRejection", listener);
}

interface Subject {
  name: string;
  input: unknown;
  world: World;
  handler: (effects: Effects) => SimHandler;
}

function subjectOf(rng: Random, compiled: readonly CompiledWorkflow[]): Subject {
  if (compiled.length > 0 && rng.chance(0.15)) {
    const program = rng.pick(compiled);
    return { name: `compiled:${program.name}`, input: program.input, world: program.world, handler: (effects) => program.handler(effects) };
  }
  const nodes = generateWorkflow(rng.fork());
  return { name: `generated:${nodes.map((n) => n.k).join(",")}`, input: {}, world: worldOf(nodes), handler: (effects) => workflowHandler(nodes, effects) };
}

export async function runSchedule(seed: number, compiled: readonly CompiledWorkflow[] = [], options: ScheduleOptions = {}): Promise<ScheduleResult> {
  const backend = options.backend ?? "model";
  const rng = new Random(seed);
  const subject = subjectOf(rng, compiled);
  const violations: string[] = [];
  const unhandledBefore = unhandled.length;

  const clean = await runOnce(subject, FaultSchedule.none(rng.fork()), backend === "model" ? model(subject) : () => new EngineService(subject.input, subject.world, { database: ":memory:" }));
  if (clean.violations.length > 0) violations.push(...clean.violations.map((v) => `fault-free run: ${v}`));
  else if (clean.output?.Status !== "SUCCEEDED") violations.push(`the fault-free run did not succeed: ${JSON.stringify(clean.output)}`);

  const kinds = rng.chance(0.3) ? FAULT_KINDS.filter(() => rng.chance(0.5)) : FAULT_KINDS;
  const faults = new FaultSchedule(rng.fork(), { kinds, rate: rng.pick([0.03, 0.08, 0.15, 0.3]), budget: rng.int(2, 16), abandons: rng.int(0, 3) });
  // Drawn after every draw of the simulated service's schedule, so its seeds mean what they meant.
  const crashes = backend === "engine" ? new CrashPlan(rng.fork(), { rate: rng.pick([0.02, 0.05, 0.1]), budget: rng.int(1, 6) }) : undefined;
  const faulty = await runOnce(
    subject,
    faults,
    crashes ? () => new EngineService(subject.input, subject.world, { database: join(options.dir ?? tmpdir(), `simulation-${seed}.db`), crashes }) : model(subject),
  );
  violations.push(...faulty.violations);

  if (violations.length === 0) {
    const want = outcomeOf(clean.output, clean.result);
    const got = outcomeOf(faulty.output, faulty.result);
    if (want !== got) violations.push(`the result differs from the fault-free run's:\n  fault-free ${want}\n  faulty     ${got}`);
    const lost = compareOperations(clean.operations, faulty.operations);
    if (lost) violations.push(lost);
  }
  if (unhandled.length > unhandledBefore) violations.push(`unhandled rejection: ${unhandled.slice(unhandledBefore).join("; ")}`);
  return {
    seed, workflow: subject.name, violations, invocations: faulty.invocations, thrown: faulty.thrown, abandoned: faulty.abandoned, faults: faults.injected,
    crashes: crashes?.injected ?? { before: 0, mid: 0, after: 0 },
  };
}

const model = (subject: Subject) => () => new ServiceModel(subject.input, subject.world);

async function runOnce(subject: Subject, faults: FaultSchedule, open: () => SimService & { close?(): Promise<void> }) {
  const service = open();
  try {
    const effects = new Effects();
    const violations: string[] = [];
    const driven = await drive(subject.handler(effects), service, faults, violations).catch((error: unknown) => {
      // The service itself failed (an engine error): the schedule fails with what it recorded so far.
      violations.push(`the service threw: ${describeError(error)}`);
      return { output: undefined, invocations: 0, thrown: 0, abandoned: 0, errors: [] };
    });
    violations.push(...service.violations, ...effects.violations);
    // What the comparison needs, read before the engine's store is closed.
    return { ...driven, violations, result: service.executionResult, operations: service.operations() };
  } finally {
    await service.close?.();
  }
}

function outcomeOf(output: DurableExecutionInvocationOutput | undefined, executionResult: string | undefined): string {
  if (!output) return "no output";
  if (output.Status === "FAILED") return `FAILED ${output.Error.ErrorType}: ${output.Error.ErrorMessage}`;
  if (output.Status !== "SUCCEEDED") return output.Status;
  return `SUCCEEDED ${output.Result === "" ? executionResult : output.Result}`;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED"]);

/** Operations that ended, as the service recorded them (attempt counts and times left out). */
function ended(operations: readonly Operation[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const op of operations) {
    if (!TERMINAL.has(op.Status)) continue;
    const details = op.StepDetails ?? op.ContextDetails ?? op.CallbackDetails ?? op.ChainedInvokeDetails;
    const error = details?.Error ? `${details.Error.ErrorType}: ${details.Error.ErrorMessage}` : undefined;
    out.set(op.Id, JSON.stringify([op.ParentId, op.Type, op.SubType, op.Name, op.Status, withoutStacks(details?.Result), error]));
  }
  return out;
}

/**
 * A stack trace in a payload (allSettled's reasons, a failed branch's record) lists the frames that
 * happened to be on the stack, which depends on timing: it is left out of the comparison.
 */
function withoutStacks(payload: string | undefined): string | undefined {
  if (payload === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(payload), (key, value: unknown) => (key === "stack" || key === "StackTrace" ? undefined : value));
  } catch {
    return payload;
  }
}

/** Property 3: both runs ended the same operations the same way. */
function compareOperations(clean: readonly Operation[], faulty: readonly Operation[]): string | undefined {
  const want = ended(clean);
  const got = ended(faulty);
  const problems: string[] = [];
  for (const [id, record] of want) {
    const other = got.get(id);
    if (other === undefined) problems.push(`operation ${id} ${record} ended in the fault-free run but not in the faulty one`);
    else if (other !== record) problems.push(`operation ${id} ended differently:\n  fault-free ${record}\n  faulty     ${other}`);
  }
  for (const [id, record] of got) if (!want.has(id)) problems.push(`operation ${id} ${record} ended only in the faulty run`);
  return problems.length === 0 ? undefined : `operations differ from the fault-free run's:\n  ${problems.slice(0, 5).join("\n  ")}`;
}
