/**
 * Lambda, as the simulation needs it: invokes the handler with the service's next event and a
 * fault client, and acts on what comes back as the service does. SUCCEEDED / FAILED end the
 * execution; PENDING waits for the next timer that changes something (and is a violation when
 * nothing is pending); a thrown error is retried after a short backoff; an abandoned invocation
 * (its sandbox frozen) is retried like a timed-out one. An invocation that is neither answered nor
 * abandoned after 200 macrotask turns without simulated activity never answers: a violation.
 * Time is the service's virtual clock only.
 */
import type { DurableExecutionInvocationOutput } from "../../runtime/protocol/wire.ts";
import type { FaultSchedule } from "./fault-client.ts";
import { FaultClient, Invocation, activity, runInInvocation, turn } from "./fault-client.ts";
import type { InvocationEnd, SimService } from "./service-model.ts";

export type SimHandler = (event: unknown, lambdaContext: unknown) => Promise<unknown>;

export interface DriveResult {
  output: DurableExecutionInvocationOutput | undefined;
  invocations: number;
  thrown: number;
  abandoned: number;
  /** The messages of thrown invocations, in order. */
  errors: string[];
}

const RESPONSE_BYTES = 6 * 1024 * 1024;
const IDLE_TURNS = 200;
const MAX_INVOCATIONS = 400;
const MAX_THROWN_IN_A_ROW = 40;

type Outcome =
  | { kind: "answered"; output: unknown }
  | { kind: "thrown"; error: unknown }
  | { kind: "abandoned" }
  | { kind: "hung" };

export async function drive(handler: SimHandler, service: SimService, faults: FaultSchedule, violations: string[]): Promise<DriveResult> {
  const result: DriveResult = { output: undefined, invocations: 0, thrown: 0, abandoned: 0, errors: [] };
  let thrownInARow = 0;
  while (!service.terminal) {
    if (result.invocations >= MAX_INVOCATIONS) {
      violations.push(`the execution did not end after ${MAX_INVOCATIONS} invocations`);
      break;
    }
    const invocation = new Invocation(++result.invocations, violations);
    const page = faults.rng.chance(0.2) ? faults.rng.int(1, 4) : undefined;
    const input = service.startInvocation(page);
    if (!input) {
      violations.push(`the service never made the execution ready for invocation ${invocation.number} (nothing pending, nothing running)`);
      break;
    }
    const event = { ...input, durableExecutionClient: new FaultClient(service, invocation, faults) };
    const lambdaContext = { awsRequestId: `sim-${invocation.number}`, getRemainingTimeInMillis: () => 900_000 };
    const running = runInInvocation(invocation, faults, () => Promise.resolve().then(() => handler(event, lambdaContext)));
    const outcome = await settle(running, invocation);
    invocation.answered = outcome.kind === "answered" || outcome.kind === "thrown";
    service.endInvocation(endOf(outcome));
    if (outcome.kind === "hung") {
      violations.push(`invocation ${invocation.number} never answered (no activity for ${IDLE_TURNS} turns)`);
      break;
    }
    if (outcome.kind === "abandoned") {
      result.abandoned++;
      thrownInARow = 0;
      service.advance(faults.rng.int(1, 5));
      continue;
    }
    if (outcome.kind === "thrown") {
      result.thrown++;
      result.errors.push(describeError(outcome.error));
      if (++thrownInARow >= MAX_THROWN_IN_A_ROW) {
        violations.push(`invocation retried forever: ${thrownInARow} thrown in a row, last ${describeError(outcome.error)}`);
        break;
      }
      service.advance(faults.rng.int(1, 5));
      continue;
    }
    thrownInARow = 0;
    const output = checkOutput(outcome.output, invocation.number, violations);
    if (!output) break;
    if (output.Status === "PENDING") {
      if (!service.advanceToNextTimer()) {
        violations.push(`invocation ${invocation.number} answered PENDING with nothing pending (the service rejects that)`);
        break;
      }
      continue;
    }
    result.output = output;
    service.finish(output);
  }
  // Late calls from any invocation of this execution (a race's loser, a zombie) show up here.
  for (let i = 0; i < 20; i++) await turn();
  return result;
}

function endOf(outcome: Outcome): InvocationEnd {
  if (outcome.kind === "answered") return { output: outcome.output };
  if (outcome.kind === "thrown") return { thrown: outcome.error };
  return { abandoned: true };
}

async function settle(running: Promise<unknown>, invocation: Invocation): Promise<Outcome> {
  let outcome: Outcome | undefined;
  running.then(
    (output) => (outcome = { kind: "answered", output }),
    (error: unknown) => (outcome = { kind: "thrown", error }),
  );
  void invocation.died.then(() => (outcome ??= { kind: "abandoned" }));
  let seen = activity.count;
  for (let idle = 0; outcome === undefined; ) {
    await turn();
    if (activity.count !== seen) {
      seen = activity.count;
      idle = 0;
    } else if (++idle > IDLE_TURNS) return { kind: "hung" };
  }
  return outcome;
}

function checkOutput(output: unknown, number: number, violations: string[]): DurableExecutionInvocationOutput | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(output);
  } catch (error) {
    violations.push(`invocation ${number} answered with a value JSON cannot carry: ${describeError(error)}`);
    return undefined;
  }
  if (json === undefined || Buffer.byteLength(json) > RESPONSE_BYTES) {
    violations.push(`invocation ${number} answered with ${json === undefined ? "nothing" : `${Buffer.byteLength(json)} bytes`}`);
    return undefined;
  }
  const o = output as Partial<DurableExecutionInvocationOutput> & { Error?: unknown };
  if (o.Status !== "SUCCEEDED" && o.Status !== "FAILED" && o.Status !== "PENDING") {
    violations.push(`invocation ${number} answered with status ${String(o.Status)}`);
    return undefined;
  }
  if (o.Status === "FAILED" && (typeof o.Error !== "object" || o.Error === null)) {
    violations.push(`invocation ${number} answered FAILED without an Error object`);
    return undefined;
  }
  return output as DurableExecutionInvocationOutput;
}

export function describeError(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  return e && typeof e === "object" ? `${String(e.name)}${e.code ? ` ${String(e.code)}` : ""}: ${String(e.message)}` : String(error);
}
