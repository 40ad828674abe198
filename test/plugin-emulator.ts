// Runs a bundled handler through the shared emulator harness (test/support/emulator.ts: AWS's
// LocalDurableTestRunner, time skipped) and reduces the raw history to what must be identical whichever
// bundler built it: event types, operation ids, names, subtypes, parents and payloads, without
// timestamps, request ids or the execution's random id.
import { pathToFileURL } from "node:url";
import { runOnEmulator, type EmulatorOptions, type EmulatorRun, type LambdaHandler } from "./support/emulator.ts";

export interface BundleRun {
  run: EmulatorRun;
  /** Comparable across bundlers. */
  history: unknown[];
}

export async function runBundle(file: string, exportName: string, options: EmulatorOptions): Promise<BundleRun> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = mod[exportName];
  if (typeof handler !== "function") throw new Error(`${file} exports no function "${exportName}"`);
  const run = await runOnEmulator(handler as LambdaHandler, options);
  return { run, history: normalizeHistory(run.raw.events as ReadonlyArray<Record<string, unknown>>) };
}

// With time skipped the emulator may fold a short wait into one invocation or two, so where
// InvocationCompleted events fall is not a property of the bundle (protocol notes, section 7).
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
