/**
 * Replay-stable time and randomness in compiled code (runtime/dialect/replay-clock.ts,
 * replay-random.ts), as fast-check properties over generated programs of steps, sleeps, child
 * durable functions, busy code and reads, driven to completion on the in-memory service, whose
 * clock the test moves (no real-clock margin anywhere): every read equals what the first run read
 * at that point, reads never go backwards, and a first-run read lies between the service time at
 * which the code last resumed from an operation and the service time of the read.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { sleep, withDurableExecution } from "../runtime/index.ts";
import * as internal from "../runtime/internal.ts";
import { MemoryClient } from "./support/memory-client.ts";

type Action =
  | { kind: "step"; work: number }
  | { kind: "sleep"; seconds: number }
  | { kind: "child"; body: Action[] }
  | { kind: "busy"; ms: number }
  | { kind: "read" }
  | { kind: "draw" };

const { program } = fc.letrec<{ program: Action[]; action: Action }>((tie) => ({
  action: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("step" as const), work: fc.integer({ min: 0, max: 2000 }) }),
    fc.record({ kind: fc.constant("sleep" as const), seconds: fc.integer({ min: 1, max: 3600 }) }),
    fc.record({ kind: fc.constant("child" as const), body: tie("program") }),
    fc.record({ kind: fc.constant("busy" as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    fc.constant({ kind: "read" as const }),
    fc.constant({ kind: "draw" as const }),
  ),
  program: fc.array(tie("action"), { maxLength: 6 }),
}));

/** The in-memory service, with a wait's EndTimestamp set when it completes (as the service records it). */
class TimedService extends MemoryClient {
  override advance(seconds = 400 * 86_400): void {
    const waiting = [...this.operations.values()].filter((o) => o.Type === "WAIT" && o.Status === "STARTED");
    super.advance(seconds);
    for (const op of waiting) if (op.Status === "SUCCEEDED") op.EndTimestamp = new Date(this.now).toISOString();
  }
}

interface Read {
  value: number;
  /** Service time when the code last resumed from an awaited operation (or started). */
  resumedAt: number;
  readAt: number;
}

async function run(actions: Action[]) {
  const service = new TimedService({});
  // Keyed by the action's path: a child that completed does not run again on replay, so a count of
  // reads would shift. Insertion order is program order (each point is first reached in order).
  const firstReads = new Map<string, Read>();
  const firstDraws = new Map<string, number>();
  const problems: string[] = [];
  const busyDone = new Set<string>();

  const handler = withDurableExecution(async () => {
    let resumedAt = service.now;
    const resumed = <T>(value: T): T => {
      resumedAt = service.now;
      return value;
    };
    const child = internal.durable(async (body: Action[], path: string) => interpret(body, path), { name: "child" });
    const interpret = async (body: Action[], path: string): Promise<void> => {
      for (const [i, action] of body.entries()) {
        const at = `${path}.${i}`;
        if (action.kind === "step") {
          resumed(await internal.callStep(`step${at}`, async () => void (service.now += action.work), undefined, []));
        } else if (action.kind === "sleep") {
          resumed(await sleep(`sleep${at}`, { seconds: action.seconds }));
        } else if (action.kind === "child") {
          resumed(await internal.callDurable(`child${at}`, child, undefined, [action.body, at]));
        } else if (action.kind === "busy") {
          // Plain code takes time when it first runs; replaying it is instant here, so the time the
          // code resumes from an operation is when the service completed it.
          if (!busyDone.has(at)) service.now += action.ms;
          busyDone.add(at);
        } else if (action.kind === "read") {
          const read: Read = { value: internal.now(), resumedAt, readAt: service.now };
          const first = firstReads.get(at);
          if (!first) firstReads.set(at, read);
          else if (first.value !== read.value) problems.push(`read ${at}: ${read.value} on replay, ${first.value} first`);
        } else {
          const value = internal.random();
          const first = firstDraws.get(at);
          if (first === undefined) firstDraws.set(at, value);
          else if (first !== value) problems.push(`draw ${at}: ${value} on replay, ${first} first`);
          if (!(value >= 0 && value < 1)) problems.push(`draw ${at} out of [0, 1): ${value}`);
        }
      }
    };
    await interpret(actions, "");
  }, { durableExecutionClient: service });

  const { output } = await service.drive(handler as never);
  return { output, firstReads, problems };
}

describe("replay-stable time and randomness", () => {
  test("equal on replay, never backwards, between the last resumption and the read", async () => {
    await fc.assert(fc.asyncProperty(program, async (actions) => {
      const { output, firstReads, problems } = await run(actions);
      expect(output.Status).toBe("SUCCEEDED");
      expect(problems).toEqual([]);
      const values = [...firstReads.values()].map((r) => r.value);
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
      for (const read of firstReads.values()) {
        expect(read.value).toBeGreaterThanOrEqual(read.resumedAt);
        expect(read.value).toBeLessThanOrEqual(read.readAt);
      }
    }), { numRuns: 60 });
  });

  test("outside a durable body they are the platform's own", () => {
    const before = Date.now();
    const t = internal.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(internal.randomUUID()).toMatch(/^[0-9a-f-]{36}$/);
    expect(internal.random()).toBeLessThan(1);
  });
});
