// A durable handler whose steps come through a re-export (./index.ts re-exports ./activities.ts).
import { sleep } from "use-durable";
import { acts, charge, formatReceipt, reserve } from "./index.ts";

export async function handler(order: { id: string; items: string[]; cents: number }) {
  "use durable";
  const reserved = await reserve(order.items);
  await sleep({ seconds: 10 });
  const receipt = await charge(order.id, order.cents);
  const labels = await Promise.all(order.items.map((item) => acts.shipItem(item)));
  return { reserved, receipt: formatReceipt(receipt), labels };
}
