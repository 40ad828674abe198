// The README's first example: an order checkout as one durable Lambda handler. Steps, a human approval
// through a callback, a one-hour wait that costs no compute, and a fan-out with one child context per
// item. Build it with any bundler plus the use-durable plugin; `npm start` runs it under AWS's emulator.
import { sleep, waitForCallback } from "use-durable";
import { chargeCard, reserveStock, requestApproval, shipItem, type Order } from "./activities.ts";

export async function handler(order: Order) {
  "use durable";
  const reservation = await reserveStock(order.items);
  if (order.totalCents > 100_000) {
    const decision = await waitForCallback<string>((callbackId) => requestApproval(order, callbackId), {
      timeout: { days: 2 },
    });
    if (decision !== "approved") return { status: "rejected", orderId: order.id };
  }
  const receipt = await chargeCard(order.card, order.totalCents);
  await sleep({ hours: 1 });
  const shipments = await Promise.all(order.items.map((item) => shipItem(item)));
  return { status: "shipped", orderId: order.id, reservation, receipt, shipments };
}
