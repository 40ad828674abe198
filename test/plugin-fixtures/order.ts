// The fixture every bundler builds: a durable handler with steps from another module, a wait and a
// durable child function. plugin-bundlers.test.ts runs each bundle under AWS's emulator.
import { sleep } from "use-durable";
import { charge, failingStep, price } from "./order-steps.ts";

export interface Order {
  id: string;
  lines: Array<{ sku: string; quantity: number }>;
  fail?: boolean;
}

async function subtotal(order: Order): Promise<number> {
  "use durable";
  let cents = 0;
  for (const line of order.lines) cents += await price(line.sku, line.quantity);
  return cents;
}

export async function handler(order: Order) {
  "use durable";
  const cents = await subtotal(order);
  await sleep({ minutes: 5 });
  if (order.fail) await failingStep(order.id);
  const receipt = await charge(order.id, cents);
  return { orderId: order.id, cents, receipt };
}

export { failingStep };
