// Uses the vendored library's function from a durable handler; with `steps: ["./vendor-rates"]` the call
// becomes a checkpointed STEP; without it the call runs again, unrecorded, on every replay.
import { fetchRate } from "./vendor-rates.ts";

export async function handler(event: { cents: number; currency: string }) {
  "use durable";
  const rate = await fetchRate(event.currency);
  return { cents: Math.round((event.cents * rate) / 100) };
}
