// A replay hazard: Date.now() inside a durable body is a warning by default and an error with strict.
import { sleep } from "use-durable";

export async function handler(event: { n: number }) {
  "use durable";
  const startedAt = Date.now();
  await sleep({ seconds: 1 });
  return { n: event.n, startedAt };
}
