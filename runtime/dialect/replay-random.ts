/**
 * Replay-stable randomness for compiled durable bodies (runtime/SPEC.md "Time and randomness in
 * compiled code"): each draw hashes the execution ARN, the context's next operation position and
 * the index of the draw since that position, so the same code draws the same values on every
 * replay and nothing is checkpointed. Outside a durable body (no context, or in a step) these are
 * the platform's own.
 */
import { currentFrame } from "../context/current-context.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { createHash, getRandomValues: platformRandomValues, randomUUID: platformRandomUUID } = process.getBuiltinModule("node:crypto");

const draws = /* @__PURE__ */ new WeakMap<DurableContextImpl, { position: string; index: number }>();

/** 32 bytes for the next draw in the current durable body, or undefined outside one. */
function nextBlock(purpose: string): Buffer | undefined {
  const frame = currentFrame();
  if (!frame || frame.inStep) return undefined;
  const ctx = frame.context;
  const position = ctx.position;
  let at = draws.get(ctx);
  if (!at || at.position !== position) draws.set(ctx, (at = { position, index: 0 }));
  return createHash("sha256").update(`${ctx.execution.arn}\n${position}\n${at.index++}\n${purpose}`).digest();
}

export function random(): number {
  const block = nextBlock("random");
  if (!block) return Math.random();
  // 53 bits: every double in [0, 1) that Math.random can return.
  return (block.readUInt32BE(0) * 2 ** 21 + (block.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

export function randomUUID(): string {
  const block = nextBlock("uuid");
  if (!block) return platformRandomUUID();
  const b = Buffer.from(block.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  if (!array || !currentFrame() || currentFrame()!.inStep) return platformRandomValues(array as never) as T;
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let offset = 0; offset < bytes.length; offset += 32) {
    const block = nextBlock("values")!;
    bytes.set(block.subarray(0, Math.min(32, bytes.length - offset)), offset);
  }
  return array;
}
