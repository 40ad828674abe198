// Runs a bundled handler under AWS's emulator (LocalDurableTestRunner, time skipped) and reduces the
// history to what must be identical whichever bundler built it: event types, operation ids, names,
// subtypes, parents and payloads, without timestamps, request ids or the execution's random id.
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { pathToFileURL } from "node:url";

export interface EmulatedRun {
  status: string | undefined;
  result: unknown;
  error: unknown;
  history: unknown[];
}

export async function runBundle(file: string, exportName: string, payload: unknown): Promise<EmulatedRun> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = mod[exportName];
  if (typeof handler !== "function") throw new Error(`${file} exports no function "${exportName}"`);
  const runner = new LocalDurableTestRunner({ handlerFunction: handler as never });
  const run = await runner.run({ payload });
  const status = run.getStatus();
  return {
    status,
    result: status === "SUCCEEDED" ? run.getResult() : undefined,
    error: status === "SUCCEEDED" ? undefined : run.getError().errorMessage,
    history: normalizeHistory(run.getHistoryEvents()),
  };
}

// With time skipped the emulator may fold a short wait into one invocation or two, so where
// InvocationCompleted events fall is not a property of the bundle (see the protocol notes, section 7).
function normalizeHistory(events: ReadonlyArray<Record<string, unknown>>): unknown[] {
  return events
    .filter((e) => e.EventType !== "InvocationCompleted")
    .map((e) => {
      const copy = strip(e) as Record<string, unknown>;
      if (typeof e.EventType === "string" && e.EventType.startsWith("Execution")) delete copy.Id;
      return copy;
    });
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (/Timestamp$/.test(k) || k === "RequestId" || k === "EventId") continue;
    out[k] = strip(v);
  }
  return out;
}
