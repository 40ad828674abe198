/**
 * The durable clock of compiled code (runtime/SPEC.md "Time and randomness in compiled code"):
 * each context's time is the latest end recorded by the service for an operation compiled code
 * started and awaited, starting from the execution's start; equal on replay, never going back,
 * never ahead of the service's clock. It owns only the clock values and how an operation moves
 * them; it never sends a checkpoint.
 */
import { currentFrame } from "../context/current-context.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import { DurablePromise } from "../context/durable-promise.ts";
import { hashId } from "../context/operation-id.ts";
import type { Operation, WireTimestamp } from "../protocol/wire.ts";

const clocks = /* @__PURE__ */ new WeakMap<DurableContextImpl, { t: number }>();
// The wire strings themselves: a Set of OperationStatus members would be kept in every bundle.
const TERMINAL: ReadonlySet<string> = /* @__PURE__ */ new Set(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED"]);

function ms(value: WireTimestamp | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

function clockOf(ctx: DurableContextImpl): { t: number } {
  let clock = clocks.get(ctx);
  if (!clock) {
    const start = ctx.parent ? clockOf(ctx.parent).t : ms(ctx.execution.state.execution?.StartTimestamp);
    // Every invocation's state holds the EXECUTION operation; the real clock is only a fallback.
    clocks.set(ctx, (clock = { t: start ?? Date.now() }));
  }
  return clock;
}

/** The current context, if the code runs in a durable body (not in a step). */
function durableContext(): DurableContextImpl | undefined {
  const frame = currentFrame();
  return frame && !frame.inStep ? frame.context : undefined;
}

export function now(): number {
  const ctx = durableContext();
  return ctx ? clockOf(ctx).t : Date.now();
}

export function performanceNow(): number {
  const ctx = durableContext();
  if (!ctx) return performance.now();
  return clockOf(ctx).t - (ms(ctx.execution.state.execution?.StartTimestamp) ?? clockOf(ctx).t);
}

/** When an operation's record says it ended: its end, a wait's scheduled end, else its start. */
function endOf(op: Operation): number | undefined {
  return ms(op.EndTimestamp) ?? ms(op.WaitDetails?.ScheduledEndTimestamp) ?? ms(op.StartTimestamp);
}

/** Resolves once the operation's record is terminal in this invocation's state. */
function terminal(ctx: DurableContextImpl, id: string): Promise<Operation> {
  const state = ctx.execution.state;
  const op = state.get(id);
  if (op && TERMINAL.has(op.Status)) return Promise.resolve(op);
  return new Promise((resolve) => {
    const watch = (): void => state.watch(id, (o) => (TERMINAL.has(o.Status) ? resolve(o) : watch()));
    watch();
  });
}

/**
 * Starts an operation in `ctx` (`start` must take the context's next position) and hands over its
 * outcome once its record is terminal here, having moved the clock to its end.
 */
export function anchored<T>(ctx: DurableContextImpl, start: () => PromiseLike<T>): Promise<T> {
  const id = hashId(ctx.position);
  return settleAt(ctx, id, start());
}

/** As `anchored`, for an operation whose id is already known (a callback's result). */
export async function settleAt<T>(ctx: DurableContextImpl, id: string, operation: PromiseLike<T>): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await operation };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const end = endOf(await terminal(ctx, id));
  const clock = clockOf(ctx);
  if (end !== undefined && end > clock.t) clock.t = end;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** As `anchored`, for an intrinsic: a DurablePromise, still awaited lazily. */
export function anchoredLazily<T>(ctx: DurableContextImpl, start: () => DurablePromise<T>): DurablePromise<T> {
  const id = hashId(ctx.position);
  const operation = start();
  return new DurablePromise(() => settleAt(ctx, id, operation));
}
