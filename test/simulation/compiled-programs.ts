/**
 * "use durable" programs the simulation runs compiled (compiled-workflows.ts compiles and bundles
 * this file). They reach the simulation only through `globalThis.__udSim`: `point()` is an await at
 * which the invocation may be abandoned, `effect()` counts a step body's run outside the runtime.
 * Every answer is independent of timing: each input the code awaits ends before the code moves on.
 */
import { configureStep, createRetryStrategy, JitterStrategy, sleep, StepSemantics, stepMetadata, waitForCallback, createCallback } from "use-durable";

interface SimHooks {
  point(): Promise<void>;
  effect(key: string, attempt: number, atMostOnce: boolean): void;
}
const sim = (): SimHooks => (globalThis as unknown as { __udSim: SimHooks }).__udSim;

const patient = createRetryStrategy({ maxAttempts: 100, initialDelay: { seconds: 1 }, maxDelay: { seconds: 4 }, jitter: JitterStrategy.NONE });

export async function price(item: { sku: string; qty: number }): Promise<number> {
  "use step";
  await sim().point();
  sim().effect(`price:${item.sku}`, stepMetadata().attempt, false);
  return item.qty * 3;
}
configureStep(price, { retryStrategy: patient });

export async function charge(total: number): Promise<{ id: string; total: number; at: Date }> {
  "use step";
  await sim().point();
  const { attempt } = stepMetadata();
  sim().effect("charge", attempt, true);
  if (attempt === 1) throw new Error("card network busy");
  return { id: `ch-${total}`, total, at: new Date(Date.UTC(2026, 0, total % 28)) };
}
configureStep(charge, { semantics: StepSemantics.AtMostOncePerRetry, retryStrategy: patient });

export async function refuse(reason: string): Promise<never> {
  "use step";
  await sim().point();
  sim().effect(`refuse:${reason}`, stepMetadata().attempt, false);
  throw new RangeError(`refused: ${reason}`);
}
configureStep(refuse, { retryStrategy: createRetryStrategy({ maxAttempts: 2, initialDelay: { seconds: 1 }, jitter: JitterStrategy.NONE }) });

/** Also called inside waitForCallback's submitter, a step of its own, where it runs plainly. */
export async function notify(callbackId: string): Promise<void> {
  "use step";
  await sim().point();
  sim().effect(`notify:${callbackId.length}`, 0, false);
}
configureStep(notify, { retryStrategy: patient });

async function reserve(sku: string): Promise<string> {
  "use durable";
  const cost = await price({ sku, qty: 2 });
  await sleep("2s");
  return `${sku}:${cost}`;
}

export async function orders(input: { items: Array<{ sku: string; qty: number }> }) {
  "use durable";
  const prices = await Promise.all(input.items.map((item) => price(item)));
  let total = 0;
  for (const p of prices) total += p;
  const reservations = await Promise.all([reserve(input.items[0]!.sku), reserve("extra")]);
  let receipt: unknown;
  try {
    receipt = await charge(total);
  } catch (error) {
    receipt = { failed: (error as Error).message };
  }
  let refusal = "none";
  try {
    await refuse("limit");
  } catch (error) {
    refusal = error instanceof RangeError ? `RangeError ${error.message}` : `other ${(error as Error).message}`;
  } finally {
    await sleep({ seconds: 30 });
  }
  const approval = await waitForCallback(async (id) => {
    await notify(id);
  }, { timeout: { hours: 1 } });
  return { total, reservations, receipt, refusal, approval };
}

export async function loops(input: { n: number }) {
  "use durable";
  const seen: number[] = [];
  for (let i = 0; i < input.n; i++) {
    if (i % 2 === 0) seen.push(await price({ sku: `loop-${i}`, qty: i }));
    else await sleep({ seconds: i });
    if (i === 3) break;
  }
  const [callback, id] = await createCallback({ timeout: { minutes: 10 } });
  await notify(id);
  let answer: unknown;
  try {
    answer = await callback;
  } catch (error) {
    answer = `timed out: ${(error as Error).name}`;
  }
  const settled = await Promise.allSettled([price({ sku: "a", qty: 1 }), refuse("settled")]);
  const first = await Promise.race([price({ sku: "r", qty: 7 }), sleep({ days: 30 }).then(() => -1)]);
  return { seen, answer, settled: settled.map((s) => (s.status === "fulfilled" ? s.value : String(s.reason))), first };
}
