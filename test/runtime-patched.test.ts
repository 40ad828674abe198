/**
 * patched("change-id") under AWS's emulator, with a deploy between two invocations of one execution:
 * the handler runs v1 on its first invocation (which suspends at a wait) and v2 afterwards. An
 * execution recorded before the patch keeps the old path on every replay; a new execution takes the
 * new path, records the marker, and keeps it on replay; the same change without patched() fails the
 * old execution as non-deterministic.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { patched, withDurableExecution } from "../runtime/index.ts";
import type { LambdaHandler } from "./support/emulator.ts";
import { runOnEmulator, startEmulator, stopEmulator } from "./support/emulator.ts";

beforeAll(startEmulator);
afterAll(stopEmulator);

const md5 = (s: string) => createHash("md5").update(s).digest("hex").slice(0, 16);

const v1 = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
  const a = await ctx.step("a", async () => "a");
  await ctx.wait("pause", { seconds: 10 });
  const b = await ctx.step("b", async () => "b");
  return [a, b];
});

const decisions: boolean[] = [];
const v2 = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
  const a = await ctx.step("a", async () => "a");
  let extra = "old path";
  const take = patched("extra-step");
  decisions.push(take);
  if (take) extra = await ctx.step("extra", async () => "new path");
  await ctx.wait("pause", { seconds: 10 });
  const b = await ctx.step("b", async () => "b");
  return [a, extra, b];
});

const v2WithoutPatch = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
  const a = await ctx.step("a", async () => "a");
  const extra = await ctx.step("extra", async () => "new path");
  await ctx.wait("pause", { seconds: 10 });
  return [a, extra];
});

/** v1 serves the first invocation, `next` every later one: a deploy while the execution sleeps. */
function deployedBetween(next: LambdaHandler): LambdaHandler {
  let invocations = 0;
  return (event, context) => (invocations++ === 0 ? v1 : next)(event, context);
}

describe("patched()", () => {
  test("an execution recorded before the patch keeps the old path on every replay", async () => {
    decisions.length = 0;
    const run = await runOnEmulator(deployedBetween(v2));
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual(["a", "old path", "b"]);
    expect(decisions.every((d) => d === false) && decisions.length > 0).toBe(true);
    expect(run.operations.some((o) => o.subType === "Patch")).toBe(false);
  });

  test("a new execution takes the new path, records the marker outside the positions, and replays it", async () => {
    decisions.length = 0;
    const run = await runOnEmulator(v2);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual(["a", "new path", "b"]);
    expect(run.invocations).toBe(2);
    // First invocation decides (true) and records; the replay after the wait finds the marker.
    expect(decisions).toEqual([true, true]);
    const marker = run.operations.find((o) => o.subType === "Patch");
    expect(marker).toMatchObject({ id: md5("patch:extra-step"), type: "STEP", name: "extra-step", status: "SUCCEEDED" });
    // The operations keep their positional ids: a=1, extra=2, pause=3, b=4.
    expect(run.operations.filter((o) => o.subType !== "Patch").map((o) => [o.name, o.id])).toEqual([["a", md5("1")], ["extra", md5("2")], ["pause", md5("3")], ["b", md5("4")]]);
  });

  test("the same change without patched() fails the recorded execution as non-deterministic", async () => {
    const run = await runOnEmulator(deployedBetween(v2WithoutPatch));
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toContain("Non-deterministic execution detected");
  });

  test("answers the same for one change id within a context, in a loop too", async () => {
    const seen: boolean[] = [];
    const handler = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
      for (let i = 0; i < 3; i++) {
        seen.push(patched("loop"));
        await ctx.step(`s${i}`, async () => i);
      }
      return seen.length;
    });
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(seen).toEqual([true, true, true]);
  });

  test("rejects a change id that cannot be a marker's name, and a call outside a durable function", async () => {
    const handler = withDurableExecution(async () => patched(""));
    const run = await runOnEmulator(handler);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toContain("patched(changeId): the change id must be 1 to 200 printable ASCII characters");
    expect(() => patched("x")).toThrow(/patched\(\) was called outside a durable function/);
  });
});
