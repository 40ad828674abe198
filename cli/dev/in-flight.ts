/**
 * After a rebuild in `dev`: which executions in flight of a re-registered function now fail replay,
 * and where. Each RUNNING execution's history is replayed against the new bundle without running a
 * step (check's replayExecution); a divergence is reported with the recorded call site (the previous
 * build's manifest) and the new one (this build's), as the engine will report it when the execution
 * next runs. Reads the engine's store; never changes an execution.
 */
import { pathToFileURL } from "node:url";
import type { Engine } from "../../engine/index.ts";
import { explainNonDeterminism } from "../../engine/invoke/call-sites.ts";
import { replayExecution, type LambdaHandler } from "../check/history-replay.ts";
import type { HistoryEvent } from "../check/history-source.ts";

export interface InFlightReport {
  functionName: string;
  name: string;
  arn: string;
  ok: boolean;
  detail: string;
}

export async function checkInFlight(
  engine: Engine,
  fn: { name: string; bundle: string; exportName: string; manifest: string; previousManifest: string | undefined },
): Promise<InFlightReport[]> {
  const running = engine.service.listExecutions({ FunctionName: fn.name, Statuses: ["RUNNING"], MaxItems: 1000 }).DurableExecutions;
  if (running.length === 0) return [];
  const module = (await import(pathToFileURL(fn.bundle).href)) as Record<string, unknown>;
  const handler = module[fn.exportName] as LambdaHandler;
  const reports: InFlightReport[] = [];
  for (const execution of running) {
    const events: HistoryEvent[] = [];
    let marker: string | undefined;
    do {
      const page = engine.service.getHistory({ DurableExecutionArn: execution.DurableExecutionArn, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) });
      events.push(...(page.Events as unknown as HistoryEvent[]));
      marker = page.NextMarker;
    } while (marker);
    const outcome = await replayExecution(handler, { label: execution.DurableExecutionName, arn: execution.DurableExecutionArn, events });
    const detail = outcome.ok
      ? outcome.detail
      : (explainNonDeterminism({ ErrorType: "NonDeterministicExecutionError", ErrorMessage: outcome.detail }, fn.manifest, [fn.previousManifest], fn.exportName).ErrorMessage ?? outcome.detail);
    reports.push({ functionName: fn.name, name: execution.DurableExecutionName, arn: execution.DurableExecutionArn, ok: outcome.ok, detail });
  }
  return reports;
}
