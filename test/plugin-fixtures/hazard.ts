// A replay hazard: randomBytes() inside a durable body is a warning by default and an error with
// strict. Date.now() is made replay-stable: a note, kept in the manifest, not shown as a warning.
import { randomBytes } from "node:crypto";
export async function handler(event: { n: number }) {
  "use durable";
  const salt = randomBytes(4).toString("hex");
  const startedAt = Date.now();
  return { n: event.n, salt, startedAt };
}
