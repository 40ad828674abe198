/**
 * The time policy of service calls (runtime/protocol/call-policy.ts) on a virtual clock (vitest's
 * fake timers drive setTimeout and Date.now): a call that never answers ends by the invocation's
 * remaining time less the reserve, with a coded retryable error; retryable failures are retried
 * with capped exponential backoff and jitter; what a retry cannot fix is thrown at once. Then the
 * default client end to end over HTTP against a server that never answers.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { ErrorCode, withDurableExecution } from "../runtime/index.ts";
import type { DurableExecutionClient } from "../runtime/protocol/client.ts";
import { withCallPolicy } from "../runtime/protocol/call-policy.ts";
import { startFixtureServer } from "./support/fixture-server.ts";
import { MemoryClient } from "./support/memory-client.ts";

const request = { DurableExecutionArn: "arn", CheckpointToken: "t", Updates: [] };
const httpError = (status: number, message: string) => Object.assign(new Error(message), { $metadata: { httpStatusCode: status } });

/** A client whose checkpoint answers with each of `answers` in turn (a function: its result), recording when it was called. */
function scripted(answers: Array<() => Promise<unknown>>) {
  const calls: number[] = [];
  const client: DurableExecutionClient = {
    checkpoint: () => (calls.push(Date.now()), answers[Math.min(calls.length - 1, answers.length - 1)]!()) as never,
    getExecutionState: () => (calls.push(Date.now()), answers[Math.min(calls.length - 1, answers.length - 1)]!()) as never,
  };
  return { client, calls };
}

const never = () => new Promise<never>(() => {});

describe("service call policy (virtual clock)", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  /** Settles `promise` by running the fake clock, and says when. */
  async function settle<T>(promise: Promise<T>): Promise<{ at: number; value?: T; error?: any }> {
    let out: { at: number; value?: T; error?: any } | undefined;
    promise.then((value) => (out = { at: Date.now(), value }), (error) => (out = { at: Date.now(), error }));
    for (let i = 0; i < 10_000 && !out; i++) await vi.advanceTimersByTimeAsync(100);
    if (!out) throw new Error("the call never settled");
    return out;
  }

  test("a call that never answers fails by the remaining time less the reserve, coded and retryable, after bounded attempts", async () => {
    const { client, calls } = scripted([never]);
    const wrapped = withCallPolicy(client, { remainingMs: () => 30_000, reserveMs: 2000, attemptMs: 10_000, random: () => 1 });
    const out = await settle(wrapped.checkpoint(request));
    expect(out.error).toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation", message: expect.stringMatching(/checkpoint gave up after 3 attempts.*did not answer within 7700 ms.*retried/) });
    expect(out.at).toBeLessThanOrEqual(28_000);
    expect(calls).toEqual([0, 10_100, 20_300]);
  });

  test("without a known remaining time the whole call is bounded by the budget (160 s)", async () => {
    const { client } = scripted([never]);
    const out = await settle(withCallPolicy(client).getExecutionState({ DurableExecutionArn: "a", CheckpointToken: "t" }));
    expect(out.error).toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation" });
    expect(out.at).toBeLessThanOrEqual(160_000);
  });

  test("429, 5xx and network errors are retried with exponential backoff and jitter; the answer comes back", async () => {
    const { client, calls } = scripted([
      () => Promise.reject(httpError(429, "Rate exceeded")),
      () => Promise.reject(httpError(503, "unavailable")),
      () => Promise.reject(new Error("socket hang up")),
      () => Promise.resolve({ CheckpointToken: "next" }),
    ]);
    const out = await settle(withCallPolicy(client, { remainingMs: () => 60_000, random: () => 0.5 }).checkpoint(request));
    expect(out.value).toEqual({ CheckpointToken: "next" });
    // Backoff ceilings 100, 200, 400 ms, times the jitter 0.5.
    expect(calls.map((t, i) => t - (calls[i - 1] ?? 0))).toEqual([0, 50, 100, 200]);
  });

  test("a stale token, another 4xx and a client's own error are thrown at once: no retry can fix them", async () => {
    for (const error of [httpError(400, "Invalid checkpoint token"), httpError(400, "Invalid parent operation id"), Object.assign(new Error("mine"), { isDurableExecutionClientError: true, scope: "INVOCATION" })]) {
      const { client, calls } = scripted([() => Promise.reject(error)]);
      const out = await settle(withCallPolicy(client, { remainingMs: () => 60_000 }).checkpoint(request));
      expect(out.error).toBe(error);
      expect(calls).toHaveLength(1);
    }
  });

  test("a retry that would end past the deadline is not started", async () => {
    const { client, calls } = scripted([() => Promise.reject(httpError(500, "boom"))]);
    const out = await settle(withCallPolicy(client, { remainingMs: () => 2500, reserveMs: 2000, random: () => 1 }).checkpoint(request));
    expect(out.error).toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation", message: expect.stringMatching(/last failure: boom/) });
    expect(out.at).toBeLessThanOrEqual(500);
    expect(calls.length).toBeGreaterThan(1);
  });
});

describe("the default client never holds an invocation past its remaining time", () => {
  test("a checkpoint whose connection never answers ends the invocation with a coded retryable error before Lambda's timeout", async () => {
    const service = new MemoryClient({});
    const server = await startFixtureServer(service);
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: server.url, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    delete process.env.AWS_PROFILE;
    try {
      service.checkpoint = never;
      const handler = withDurableExecution(async (_i, ctx: DurableContext) => ctx.step("s", async () => 1));
      // 4 s left, 2 s kept to answer: the call has 2 s of real time (loading the SDK included).
      const out = handler(service.event(), { getRemainingTimeInMillis: () => 4000 });
      await expect(out).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_FAILED, fatal: "invocation", message: expect.stringMatching(/checkpoint gave up/) });
    } finally {
      process.env = saved;
      await server.close();
    }
  });
});
