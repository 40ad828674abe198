// Steps in their own module, re-exported through ./index.ts: plugin-imports.test.ts checks that the
// durable handler in ./checkout.ts calls them as steps, resolved at build time.

export async function reserve(items: string[]): Promise<string[]> {
  "use step";
  return items.map((item) => `reserved:${item}`);
}

export async function charge(orderId: string, cents: number): Promise<string> {
  "use step";
  return `receipt:${orderId}:${cents}`;
}

export async function shipItem(item: string): Promise<string> {
  "use step";
  return `shipped:${item}`;
}

/** Plain, synchronous: called without await, so neither a step nor a hazard. */
export function formatReceipt(receipt: string): string {
  return receipt.toUpperCase();
}
