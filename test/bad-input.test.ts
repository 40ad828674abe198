/**
 * The bad-input corpus: one row per way a user's bad day feeds the runtime something wrong
 * (malformed and truncated events, malformed state and responses, payloads at and over each limit,
 * names over 256 characters or non-ASCII, values the serdes cannot carry, invalid durations, a large
 * child context whose code changed). Each row asserts the outcome (FAILED with a coded error, or a
 * thrown error only where a retry can fix it), that the error says what, where and how to fix, and
 * that nothing already checkpointed is lost. Rows run on the in-memory service (test/support), which
 * lets a row corrupt the event, a page or a response; an invocation that neither answers nor throws
 * within 2,000 macrotask turns is a hang, and fails the row.
 *
 * Against the engine (malformed requests to its HTTP API, a callback answered twice, a heartbeat
 * after the callback completed): engine-bad-input.test.ts.
 */
import { describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { DurableError, ErrorCode, withDurableExecution } from "../runtime/index.ts";
import type { DurableExecutionInvocationInput, DurableExecutionInvocationOutput, Operation } from "../runtime/protocol/wire.ts";
import { MemoryClient } from "./support/memory-client.ts";

type Body = (input: any, ctx: DurableContext) => Promise<unknown>;
type Event = DurableExecutionInvocationInput & Record<string, unknown>;

interface Ran {
  output?: DurableExecutionInvocationOutput;
  thrown?: { code?: string; fatal?: string; name?: string; message: string };
  service: MemoryClient;
  /** The operations recorded before the bad input, as they were then. */
  before: Operation[];
}

interface Case {
  name: string;
  run: () => Promise<Ran>;
  /** THROWN: the invocation throws (Lambda retries it); the others are the answer's Status. */
  outcome: "FAILED" | "THROWN" | "SUCCEEDED";
  /** The ErrorType of a FAILED answer, or the code of a thrown error. */
  error?: string;
  /** What the message must say: what went wrong, where, how to fix it. */
  says?: RegExp[];
  /** The Result of a SUCCEEDED answer. */
  result?: string;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The handler's answer, its thrown error, or a failure of the row when it does neither. */
async function invoke(handler: (event: unknown, ctx: unknown) => Promise<DurableExecutionInvocationOutput>, event: unknown) {
  let settled: { output?: DurableExecutionInvocationOutput; thrown?: Ran["thrown"] } | undefined;
  handler(event, { getRemainingTimeInMillis: () => 900_000 }).then(
    (output) => (settled = { output }),
    (error: Ran["thrown"]) => (settled = { thrown: error }),
  );
  for (let i = 0; i < 2000 && settled === undefined; i++) await turn();
  if (settled === undefined) throw new Error("the invocation hung: it neither answered nor threw");
  return settled;
}

/** One invocation of `body` on a fresh service, with the event (or the client) changed first. */
function once(body: Body, corrupt: (event: Event, service: MemoryClient) => unknown = (e) => e, input: unknown = {}) {
  return async (): Promise<Ran> => {
    const service = new MemoryClient(input);
    const event = service.event() as Event;
    const result = await invoke(withDurableExecution(body, { durableExecutionClient: service }), corrupt(event, service));
    return { ...result, service, before: [] };
  };
}

/**
 * Two invocations: the first records a step "before" and suspends on a wait; the second gets a
 * corrupted event (or client) and must fail without losing "before".
 */
function afterCheckpoint(corrupt: (event: Event, service: MemoryClient) => unknown, body: Body = async () => "after") {
  return async (): Promise<Ran> => {
    const service = new MemoryClient({});
    const handler = withDurableExecution(async (input, ctx: DurableContext) => {
      await ctx.step("before", async () => ({ kept: true }));
      await ctx.wait("pause", { seconds: 5 });
      return body(input, ctx);
    }, { durableExecutionClient: service });
    const first = await invoke(handler, service.event());
    if (first.output?.Status !== "PENDING") throw new Error(`setup: the first invocation answered ${JSON.stringify(first)}`);
    const before = [...service.operations.values()].map((op) => structuredClone(op));
    service.advance();
    const result = await invoke(handler, corrupt(service.event() as Event, service));
    return { ...result, service, before };
  };
}

const ops = (event: Event): unknown[] => event.InitialExecutionState.Operations as unknown[];
const bigint = async () => 10n;
const cyclic = async () => {
  const order: Record<string, unknown> = { id: "o-1" };
  order["self"] = order;
  return order;
};
const KiB = 1024;
/** A string whose JSON (with its quotes) is exactly `bytes` long. */
const jsonOf = (bytes: number) => "x".repeat(bytes - 2);

const cases: Case[] = [
  // ---- events ------------------------------------------------------------------------------
  {
    name: "an event that is not an object (a direct invoke with a string) is thrown: there is no execution to end",
    run: once(async () => 1, () => "hello"),
    outcome: "THROWN", error: ErrorCode.INVALID_EVENT,
    says: [/not a durable execution invocation/, /DurableConfig/],
  },
  {
    name: "an event without its CheckpointToken names the missing field",
    run: once(async () => 1, (e) => ({ ...e, CheckpointToken: undefined })),
    outcome: "THROWN", error: ErrorCode.INVALID_EVENT,
    says: [/missing CheckpointToken/, /DurableConfig/],
  },
  {
    name: "an event whose DurableExecutionArn is not a string names the field and its type",
    run: once(async () => 1, (e) => ({ ...e, DurableExecutionArn: 42 })),
    outcome: "THROWN", error: ErrorCode.INVALID_EVENT,
    says: [/DurableExecutionArn must be a string, got number/],
  },
  {
    name: "a truncated event (no InitialExecutionState) ends the execution FAILED, naming the field",
    run: afterCheckpoint((e) => ({ ...e, InitialExecutionState: undefined })),
    outcome: "FAILED", error: "InvalidEventError",
    says: [/InitialExecutionState/, /missing/, /service/],
  },
  {
    name: "InitialExecutionState.Operations that is not an array ends the execution FAILED, naming the field",
    run: afterCheckpoint((e) => ({ ...e, InitialExecutionState: { Operations: "no" } })),
    outcome: "FAILED", error: "InvalidEventError",
    says: [/InitialExecutionState\.Operations must be an array, got string/],
  },
  {
    name: "execution input that is not JSON ends the execution FAILED (no retry can parse it)",
    run: once(async () => 1, (e) => {
      (ops(e)[0] as Operation).ExecutionDetails = { InputPayload: "{oops" };
      return e;
    }),
    outcome: "FAILED", error: "InvalidEventError",
    says: [/input is not JSON/, /InputPayload/, /Start durable executions with a JSON payload/],
  },
  // ---- malformed state ---------------------------------------------------------------------
  {
    name: "a null entry in Operations is reported once, with its place",
    run: afterCheckpoint((e) => {
      ops(e).splice(1, 0, null);
      return e;
    }),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/InitialExecutionState\.Operations\[1\] is null/, /not an operation/],
  },
  {
    name: "an operation without a Type is reported with its Id and place",
    run: afterCheckpoint((e) => {
      delete (ops(e)[1] as Partial<Operation>).Type;
      return e;
    }),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/InitialExecutionState\.Operations\[1\] \(Id "[0-9a-f]{16}", Name "before"\) has no Type/],
  },
  {
    name: "an operation without an Id is reported with its place",
    run: afterCheckpoint((e) => {
      delete (ops(e)[1] as Partial<Operation>).Id;
      return e;
    }),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/InitialExecutionState\.Operations\[1\] \(Name "before"\) has no Id/],
  },
  {
    name: "an undefined page from GetDurableExecutionState is reported with its marker",
    run: afterCheckpoint((e, service) => {
      e.InitialExecutionState = { Operations: ops(e).slice(0, 1) as Operation[], NextMarker: "1" };
      service.getExecutionState = async () => undefined as never;
      return e;
    }),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/GetDurableExecutionState/, /marker "1"/, /no page/],
  },
  {
    name: "a client that cannot be loaded (@aws-sdk/client-lambda missing) ends the execution FAILED: no retry installs it",
    run: afterCheckpoint((e, service) => {
      e.InitialExecutionState = { Operations: ops(e).slice(0, 1) as Operation[], NextMarker: "1" };
      service.getExecutionState = async () => {
        throw new DurableError(ErrorCode.CLIENT_UNAVAILABLE, "Could not load @aws-sdk/client-lambda. Install it (npm i @aws-sdk/client-lambda).", { fatal: "execution" });
      };
      return e;
    }),
    outcome: "FAILED", error: "DurableError",
    says: [/Could not load @aws-sdk\/client-lambda/, /npm i/],
  },
  {
    name: "a null operation in a later page is reported with the page's marker and its place",
    run: afterCheckpoint((e, service) => {
      e.InitialExecutionState = { Operations: ops(e).slice(0, 1) as Operation[], NextMarker: "1" };
      service.getExecutionState = async () => ({ Operations: [null as never] });
      return e;
    }),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/GetDurableExecutionState \(marker "1"\) Operations\[0\] is null/],
  },
  {
    name: "a checkpoint response whose operations are malformed ends the execution, never hangs",
    run: afterCheckpoint((e, service) => {
      const checkpoint = service.checkpoint.bind(service);
      service.checkpoint = async (request) => ({ ...(await checkpoint(request)), NewExecutionState: { Operations: [{ Status: "SUCCEEDED" } as never] } });
      return e;
    }, async (_input, ctx) => ctx.step("after", async () => 2)),
    outcome: "FAILED", error: "InvalidStateError",
    says: [/checkpoint response/, /NewExecutionState\.Operations\[0\] has no Id/],
  },
  {
    name: "a checkpoint response without a token in the middle of a run is thrown (a fresh invocation gets a new token), never PENDING",
    run: afterCheckpoint((e, service) => {
      service.omitTokenOnce = true;
      return e;
    }, async (_input, ctx) => {
      await ctx.step("after", async () => 2);
      return ctx.step("later", async () => 3);
    }),
    outcome: "THROWN", error: ErrorCode.CHECKPOINT_CLOSED,
    says: [/without a CheckpointToken/, /STEP SUCCEED "after"/, /retried/],
  },
  // ---- values and limits --------------------------------------------------------------------
  {
    name: "a handler result JSON cannot carry (a bigint) ends the execution FAILED, not retried forever",
    run: afterCheckpoint((e) => e, bigint),
    outcome: "FAILED", error: "SerdesError",
    says: [/handler's result/, /BigInt/, /Return JSON data/],
  },
  {
    name: "a cyclic handler result ends the execution FAILED",
    run: afterCheckpoint((e) => e, cyclic),
    outcome: "FAILED", error: "SerdesError",
    says: [/handler's result/, /circular/i, /Return JSON data/],
  },
  {
    name: "a step result JSON cannot carry (a bigint) names the step",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.step("total", bigint)),
    outcome: "FAILED", error: "SerdesError",
    says: [/Step "total"/, /BigInt/, /serdes/],
  },
  {
    name: "a step result of exactly 256 KiB is checkpointed",
    run: afterCheckpoint((e) => e, async (_i, ctx) => (await ctx.step("edge", async () => jsonOf(256 * KiB))).length),
    outcome: "SUCCEEDED",
  },
  {
    name: "a step result one byte over 256 KiB ends the execution with the step named and the fix",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.step("over", async () => jsonOf(256 * KiB + 1))),
    outcome: "FAILED", error: "PayloadTooLargeError",
    says: [/result of Step "over"/, /262145 bytes/, /262144 bytes/, /runInChildContext/],
  },
  {
    name: "a handler result over 6 MiB is checkpointed on the EXECUTION operation",
    run: afterCheckpoint((e) => e, async () => "x".repeat(6 * 1024 * KiB + 10)),
    outcome: "SUCCEEDED",
  },
  {
    name: "an operation name of 256 characters is accepted",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.step("n".repeat(256), async () => 1)),
    outcome: "SUCCEEDED",
  },
  {
    name: "an operation name of 257 characters is refused, naming the method and the fix",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.step("n".repeat(257), async () => 1)),
    outcome: "FAILED", error: "DurableError",
    says: [/^step: the name "n{20}/, /1 to 256 printable ASCII/, /shorter/],
  },
  {
    name: "a non-ASCII operation name is refused",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.step("café", async () => 1)),
    outcome: "FAILED", error: "DurableError",
    says: [/step: the name "café"/, /printable ASCII/],
  },
  {
    name: "a named promise combinator given something other than an array names the operation and the fix",
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.promise.all("gather", 5 as never)),
    outcome: "FAILED", error: "DurableError",
    says: [/^promise\.all "gather": pass an array of promises/, /got number/],
  },
  // ---- durations ----------------------------------------------------------------------------
  ...([
    ["NaN", { seconds: NaN }, /seconds must be a finite number >= 0, got NaN/],
    ["Infinity", { minutes: Infinity }, /minutes must be a finite number >= 0, got Infinity/],
    ["a negative amount", { seconds: -1 }, /seconds must be a finite number >= 0, got -1/],
    ["a fraction of a second", { seconds: 1.5 }, /1\.5 seconds; durations are whole seconds/],
    ["an unknown unit", { weeks: 1 }, /unknown duration unit "weeks"/],
    ["a string (the ctx API takes objects)", "5s", /must be an object, got "5s"/],
  ] as const).map(([what, duration, says]): Case => ({
    name: `a wait of ${what} is refused with the wait's name`,
    run: afterCheckpoint((e) => e, (_i, ctx) => ctx.wait("cool-down", duration as never)),
    outcome: "FAILED", error: "DurableError",
    says: [/^wait "cool-down": /, says, /\{ seconds: 30 \}/],
  })),
  {
    name: "a callback timeout of { seconds: 0 } means no timeout, as in the API",
    run: once(async (_i, ctx) => {
      const [, id] = await ctx.createCallback("approval", { timeout: { seconds: 0 }, heartbeatTimeout: { seconds: 0 } });
      return id;
    }, (event, service) => {
      // The in-memory service assigns no callback ids; this one does, and keeps the options sent.
      const checkpoint = service.checkpoint.bind(service);
      service.checkpoint = async (request) => {
        const response = await checkpoint(request);
        for (const op of response.NewExecutionState?.Operations ?? []) {
          const sent = request.Updates?.find((u) => u.Id === op.Id);
          if (op.Type === "CALLBACK") op.CallbackDetails = { CallbackId: JSON.stringify(sent?.CallbackOptions) };
        }
        return response;
      };
      return event;
    }),
    outcome: "SUCCEEDED", result: JSON.stringify("{}"),
  },
  // ---- code that changed under a recorded large child context -------------------------------
  {
    name: "a step removed from a large child context (rebuilt from its children) is non-determinism, not a wrong result",
    run: largeChild(["a", "b"], ["a"]),
    outcome: "FAILED", error: "NonDeterministicExecutionError",
    says: [/RunInChildContext "big"/, /stopped after 1 of its operations/, /STEP "b"/, /same durable calls in the same order/],
  },
  {
    name: "a step appended to a large child context is non-determinism, not a hang",
    run: largeChild(["a", "b"], ["a", "b", "c"]),
    outcome: "FAILED", error: "NonDeterministicExecutionError",
    says: [/RunInChildContext "big"/, /Step "c"/, /did not run when it finished/, /same durable calls in the same order/],
  },
];

/** A child context whose result is over 256 KiB (so ReplayChildren), recorded with `steps`, replayed with `now`. */
function largeChild(steps: string[], now: string[]) {
  return async (): Promise<Ran> => {
    const service = new MemoryClient({});
    let names = steps;
    const handler = withDurableExecution(async (_i, ctx: DurableContext) => {
      const big = await ctx.runInChildContext("big", async (child) => {
        const parts: string[] = [];
        for (const name of names) parts.push(await child.step(name, async () => name.repeat(150_000)));
        return parts.join("");
      });
      await ctx.wait("pause", { seconds: 5 });
      return big.length;
    }, { durableExecutionClient: service });
    const first = await invoke(handler, service.event());
    if (first.output?.Status !== "PENDING") throw new Error(`setup: ${JSON.stringify(first)}`);
    const before = [...service.operations.values()].map((op) => structuredClone(op));
    service.advance();
    names = now;
    return { ...(await invoke(handler, service.event())), service, before };
  };
}

describe("bad input: each case ends as the rules say, says what, where and how, and loses nothing", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const ran = await c.run();
    if (c.outcome === "THROWN") {
      expect(ran.output, "the invocation must throw (a retry can fix it)").toBeUndefined();
      expect(ran.thrown).toMatchObject({ code: c.error, fatal: "invocation" });
    } else {
      expect(ran.thrown, `the invocation threw instead of answering: ${ran.thrown?.message}`).toBeUndefined();
      expect(ran.output?.Status).toBe(c.outcome);
      if (c.error) expect((ran.output as { Error?: { ErrorType?: string } }).Error?.ErrorType).toBe(c.error);
      if (c.result !== undefined) expect((ran.output as { Result?: string }).Result).toBe(c.result);
    }
    const message = ran.thrown?.message ?? (ran.output as { Error?: { ErrorMessage?: string } }).Error?.ErrorMessage ?? "";
    for (const says of c.says ?? []) expect(message).toMatch(says);
    // Nothing already checkpointed is lost: every operation recorded before is still there, unchanged
    // where it had ended.
    for (const op of ran.before) {
      const now = ran.service.operations.get(op.Id);
      expect(now, `operation ${op.Name ?? op.Id} was lost`).toBeDefined();
      if (op.Status === "SUCCEEDED" || op.Status === "FAILED") expect(now).toEqual(op);
    }
  });
});
