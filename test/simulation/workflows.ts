/**
 * Generated workflows for the simulation, built from every operation kind of the ctx API: steps of
 * both semantics (some failing a few attempts, some failing for good), waits, child contexts (a
 * large one rebuilt from its children), callbacks (created or waited for; answered, failed or
 * timed out), chained invokes, waitForCondition, map and parallel (nested and flat, bounded
 * concurrency, an early completion), and the promise combinators. A workflow's answer never depends
 * on timing: races are won by a step against a day-long wait, and batches run every unit unless
 * one unit is the only quick one. Step bodies count their runs outside the runtime (`Effects`).
 * Never decides a fault.
 */
import type { DurableContext, StepContext } from "../../runtime/index.ts";
import { StepSemantics, createRetryStrategy, createWaitStrategy, JitterStrategy, withDurableExecution } from "../../runtime/index.ts";
import type { ErrorObject, Operation } from "../../runtime/protocol/wire.ts";
import { simHooks } from "./fault-client.ts";
import type { Random } from "./random.ts";
import type { World } from "./service-model.ts";

export type Node =
  | { k: "step"; id: number; name?: string; value: number; atMostOnce: boolean; transient: number; fails: boolean }
  | { k: "wait"; id: number; name?: string; seconds: number }
  | { k: "child"; id: number; name?: string; body: Node[]; large: boolean }
  | { k: "callback"; id: number; name: string; via: "create" | "waitFor"; answer: "ok" | "fail" | "timeout"; value: number }
  | { k: "invoke"; id: number; name?: string; input: number; fails: boolean }
  | { k: "condition"; id: number; name?: string; target: number }
  | { k: "map"; id: number; name?: string; items: number[]; body: Node[]; flat: boolean; maxConcurrency?: number; early: boolean }
  | { k: "parallel"; id: number; name?: string; branches: Node[][]; maxConcurrency?: number }
  | { k: "combinator"; id: number; name?: string; method: "all" | "allSettled" | "any" | "race" };

/** Runs of step bodies, counted outside the runtime: key "path#attempt". */
export class Effects {
  readonly runs = new Map<string, number>();
  readonly violations: string[] = [];

  run(key: string, attempt: number, atMostOnce: boolean): void {
    const id = `${key}#${attempt}`;
    const count = (this.runs.get(id) ?? 0) + 1;
    this.runs.set(id, count);
    if (atMostOnce && count === 2) this.violations.push(`the at-most-once step ${key} ran twice in attempt ${attempt}`);
  }
}

// Longer than every schedule's clock can run, so such a wait never decides an outcome.
const MONTH = 30 * 86_400;

export function generateWorkflow(rng: Random): Node[] {
  let ids = 0;
  const name = (prefix: string): string | undefined => (rng.chance(0.7) ? `${prefix}${ids}` : undefined);
  const step = (quick = false): Node => {
    const id = ++ids;
    const fails = !quick && rng.chance(0.1);
    return {
      k: "step", id, name: name("s"), value: rng.int(0, 1000),
      atMostOnce: !fails && rng.chance(0.35), transient: quick ? 0 : rng.pick([0, 0, 0, 1, 2]), fails,
    };
  };
  const body = (depth: number, size: number): Node[] => {
    const nodes: Node[] = [];
    for (let i = 0; i < size; i++) nodes.push(node(depth));
    return nodes;
  };
  const node = (depth: number): Node => {
    const roll = rng.int(0, depth > 1 ? 3 : 14);
    const id = ++ids;
    switch (roll) {
      case 0: case 1: case 2: return step();
      case 3: return { k: "wait", id, name: name("w"), seconds: rng.int(1, 600) };
      case 4: return { k: "child", id, name: name("c"), body: body(depth + 1, rng.int(1, 3)), large: depth === 0 && rng.chance(0.08) };
      case 5: return { k: "callback", id, name: `cb${id}`, via: rng.pick(["create", "waitFor"] as const), answer: rng.pick(["ok", "ok", "fail", "timeout"] as const), value: rng.int(0, 99) };
      case 6: return { k: "invoke", id, name: name("i"), input: rng.int(0, 99), fails: rng.chance(0.25) };
      case 7: return { k: "condition", id, name: name("p"), target: rng.int(1, 3) };
      case 8: case 9: {
        const early = rng.chance(0.25);
        return {
          k: "map", id, name: name("m"), items: Array.from({ length: rng.int(1, 4) }, () => rng.int(0, 50)),
          body: early ? [step(true)] : body(depth + 1, rng.int(1, 2)), flat: rng.chance(0.3),
          ...(rng.chance(0.4) && !early && { maxConcurrency: rng.int(1, 2) }), early,
        };
      }
      case 10: case 11:
        return {
          k: "parallel", id, name: name("par"), branches: Array.from({ length: rng.int(1, 3) }, () => body(depth + 1, rng.int(1, 2))),
          ...(rng.chance(0.3) && { maxConcurrency: rng.int(1, 2) }),
        };
      default: return { k: "combinator", id, name: name("pr"), method: rng.pick(["all", "allSettled", "any", "race"] as const) };
    }
  };
  return body(0, rng.int(2, 6));
}

/** What the external systems of a workflow do: callbacks by name, the invoke target "double". */
export function worldOf(nodes: Node[]): World {
  const callbacks = new Map<string, Extract<Node, { k: "callback" }>>();
  const visit = (list: Node[]): void => {
    for (const n of list) {
      if (n.k === "callback") callbacks.set(n.name, n);
      if (n.k === "child" || n.k === "map") visit(n.body);
      if (n.k === "parallel") n.branches.forEach(visit);
    }
  };
  visit(nodes);
  return {
    callback(op: Operation, parent: Operation | undefined) {
      const spec = callbacks.get(op.Name ?? "") ?? callbacks.get(parent?.Name ?? "");
      if (!spec || spec.answer === "timeout") return "never";
      if (spec.answer === "fail") return { afterSeconds: 20, error: { ErrorType: "Declined", ErrorMessage: `declined ${spec.name}` } };
      return { afterSeconds: 20, result: JSON.stringify({ approved: spec.value }) };
    },
    invoke(functionName: string, payload: string | undefined) {
      const input = JSON.parse(payload ?? "null") as { n: number; fails: boolean };
      if (functionName !== "double" || input.fails) return { afterSeconds: 15, error: { ErrorType: "TargetError", ErrorMessage: `target failed for ${input.n}` } satisfies ErrorObject };
      return { afterSeconds: 15, result: JSON.stringify(input.n * 2) };
    },
  };
}

const patient = createRetryStrategy({ maxAttempts: 100, initialDelay: { seconds: 1 }, maxDelay: { seconds: 4 }, jitter: JitterStrategy.NONE });
const twice = createRetryStrategy({ maxAttempts: 2, initialDelay: { seconds: 1 }, jitter: JitterStrategy.NONE });

const caught = (error: unknown): string => {
  const e = error as { name?: string; message?: string };
  return `caught ${e?.name}: ${e?.message}`;
};

const show = (value: unknown): unknown => (typeof value === "string" && value.length > 1000 ? `big:${value.length}` : value);

async function settled<T>(promise: PromiseLike<T>): Promise<unknown> {
  try {
    return show(await promise);
  } catch (error) {
    return caught(error);
  }
}

export function workflowHandler(nodes: Node[], effects: Effects): (event: unknown, lambdaContext: unknown) => Promise<unknown> {
  return withDurableExecution(async (_input: unknown, ctx: DurableContext) => run(ctx, nodes, "", effects));
}

function stepBody(node: Extract<Node, { k: "step" }>, key: string, effects: Effects, big = false) {
  return async ({ attempt }: StepContext): Promise<number | string> => {
    await simHooks.point();
    effects.run(key, attempt, node.atMostOnce);
    if (attempt <= node.transient) throw new Error(`transient failure ${attempt} of ${key}`);
    if (node.fails) throw new Error(`planned failure of ${key}`);
    return big ? `${node.id}`.padEnd(140_000, "x") : node.value;
  };
}

function runStep(ctx: DurableContext, node: Extract<Node, { k: "step" }>, key: string, effects: Effects, big = false) {
  return ctx.step(node.name, stepBody(node, key, effects, big), {
    semantics: node.atMostOnce ? StepSemantics.AtMostOncePerRetry : StepSemantics.AtLeastOncePerRetry,
    retryStrategy: node.fails ? twice : patient,
  });
}

async function run(ctx: DurableContext, nodes: Node[], path: string, effects: Effects): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const node of nodes) {
    const key = `${path}/${node.id}`;
    switch (node.k) {
      case "step":
        out.push(await settled(runStep(ctx, node, key, effects)));
        break;
      case "wait":
        await (node.name === undefined ? ctx.wait({ seconds: node.seconds }) : ctx.wait(node.name, { seconds: node.seconds }));
        out.push("waited");
        break;
      case "child":
        out.push(await settled(ctx.runInChildContext(node.name, async (child) => {
          const inner = await run(child, node.body, key, effects);
          if (!node.large) return inner;
          const parts = [];
          for (let i = 0; i < 2; i++) {
            parts.push(await runStep(child, { k: "step", id: node.id * 100 + i, value: 0, atMostOnce: false, transient: 0, fails: false }, `${key}.${i}`, effects, true));
          }
          return parts.join("");
        })));
        break;
      case "callback":
        out.push(await settled(callback(ctx, node, key, effects)));
        break;
      case "invoke":
        out.push(await settled(node.name === undefined ? ctx.invoke("double", { n: node.input, fails: node.fails }) : ctx.invoke(node.name, "double", { n: node.input, fails: node.fails })));
        break;
      case "condition":
        out.push(await settled(ctx.waitForCondition(node.name, async (state: number) => {
          await simHooks.point();
          return state + 1;
        }, { initialState: 0, waitStrategy: createWaitStrategy({ shouldContinuePolling: (s: number) => s < node.target, initialDelay: { seconds: 2 }, jitter: JitterStrategy.NONE }) })));
        break;
      case "map":
        out.push(await settled(batchOutcome(ctx.map(node.name, node.items, async (child, item: number, index) => {
          if (node.early && index > 0) await child.wait("slow", { seconds: MONTH });
          return [item, ...(await run(child, node.body, `${key}[${index}]`, effects))];
        }, {
          nesting: node.flat ? "FLAT" : "NESTED",
          ...(node.maxConcurrency !== undefined && { maxConcurrency: node.maxConcurrency }),
          completionConfig: node.early ? { minSuccessful: 1 } : { toleratedFailurePercentage: 100 },
        }))));
        break;
      case "parallel":
        out.push(await settled(batchOutcome(ctx.parallel(node.name, node.branches.map((branch, index) => async (child: DurableContext) => run(child, branch, `${key}[${index}]`, effects)), {
          ...(node.maxConcurrency !== undefined && { maxConcurrency: node.maxConcurrency }),
          completionConfig: { toleratedFailurePercentage: 100 },
        }))));
        break;
      case "combinator":
        out.push(await settled(combinator(ctx, node, key, effects)));
        break;
    }
  }
  return out;
}

async function callback(ctx: DurableContext, node: Extract<Node, { k: "callback" }>, key: string, effects: Effects): Promise<unknown> {
  const timeout = { seconds: node.answer === "timeout" ? 60 : 3600 };
  if (node.via === "waitFor") {
    return ctx.waitForCallback(node.name, async () => {
      await simHooks.point();
      effects.run(`${key}.submit`, 0, false);
    }, { timeout, retryStrategy: patient });
  }
  const [promise] = await ctx.createCallback(node.name, { timeout });
  return promise;
}

async function batchOutcome(promise: PromiseLike<{ all: ReadonlyArray<{ index: number; status: string; result?: unknown; error?: Error }>; completionReason: string }>): Promise<unknown> {
  const result = await promise;
  return { reason: result.completionReason, items: result.all.map((i) => [i.index, i.status, show(i.result) ?? i.error?.message ?? null]) };
}

/** A combinator over two steps (or a step and a month-long wait); the steps are awaited after it, so both end in every run. */
async function combinator(ctx: DurableContext, node: Extract<Node, { k: "combinator" }>, key: string, effects: Effects): Promise<unknown> {
  const quick = (i: number, fails = false) =>
    runStep(ctx, { k: "step", id: node.id * 100 + i, value: node.id + i, atMostOnce: false, transient: 0, fails }, `${key}.${i}`, effects);
  let steps: PromiseLike<unknown>[];
  let outcome: PromiseLike<unknown>;
  switch (node.method) {
    case "all":
      steps = [quick(0), quick(1)];
      outcome = ctx.promise.all(node.name, steps);
      break;
    case "allSettled":
      steps = [quick(0), quick(1, true)];
      outcome = ctx.promise.allSettled(node.name, steps).then((entries) =>
        entries.map((e) => (e.status === "fulfilled" ? e.value : `rejected: ${(e.reason as Error).message}`)));
      break;
    case "any":
      steps = [quick(0, true), quick(1)];
      outcome = ctx.promise.any(node.name, steps);
      break;
    case "race":
      steps = [quick(0)];
      outcome = ctx.promise.race(node.name, [steps[0]!, ctx.wait({ seconds: MONTH }).then(() => "the wait won")]);
      break;
  }
  const value = await settled(outcome);
  for (const step of steps) await settled(step);
  return value;
}
