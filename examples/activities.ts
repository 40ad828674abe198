// The checkout example's step functions: plain async functions marked "use step". Each call from a
// durable function becomes a checkpointed STEP, so on replay its recorded result is returned instead of
// charging the card twice. Called outside a durable function they are ordinary functions.

export interface Item {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  card: string;
  totalCents: number;
  items: Item[];
}

export async function reserveStock(items: Item[]): Promise<{ reservationId: string; skus: string[] }> {
  "use step";
  return { reservationId: `rsv-${items.length}-${items.map((i) => i.sku).join("-")}`, skus: items.map((i) => i.sku) };
}

export async function chargeCard(card: string, cents: number): Promise<{ receiptId: string; cents: number }> {
  "use step";
  return { receiptId: `rcpt-${card.slice(-4)}-${cents}`, cents };
}

// Not a step: waitForCallback already runs its submitter exactly once, checkpointed, so this is a plain
// function. A real system would e-mail an approver a link carrying callbackId; whoever answers calls
// SendDurableExecutionCallbackSuccess with it. The example's runner plays the approver.
export async function requestApproval(order: Order, callbackId: string): Promise<void> {
  console.log(`  approval requested for order ${order.id} (${order.totalCents / 100} USD), callback ${callbackId.slice(0, 12)}...`);
}

export async function shipItem(item: Item): Promise<{ sku: string; tracking: string }> {
  "use step";
  return { sku: item.sku, tracking: `trk-${item.sku}-${item.quantity}` };
}
