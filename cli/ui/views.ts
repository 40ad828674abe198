/**
 * What the UI's JSON API returns, read from the engine: the executions list (every registered
 * function's executions, filtered, newest first) and one execution with its operations in creation
 * order, each with its attempts as time segments (from the history) and its source location (from the
 * build's manifest). Pure reads: it never changes the engine and never parses a payload.
 */
import type { Manifest } from "../../compiler/index.ts";
import type { Engine } from "../../engine/index.ts";
import type { BuildManifest } from "../../plugin/build-manifest.ts";

/** A compiler manifest (one module) or a build's manifest (every module of a build). */
export type UiManifest = Manifest | BuildManifest;
export type ManifestLookup = (functionName: string) => UiManifest | undefined;

export interface ExecutionRow {
  arn: string;
  name: string;
  function: string;
  status: string;
  start: number;
  end?: number;
  /** RUNNING with no invocation running: parked on a wait, a callback, a retry or an invoke. */
  waiting?: boolean;
}

export interface Segment {
  start: number;
  end?: number;
  outcome: "running" | "succeeded" | "failed";
}

export interface OperationView {
  id: string;
  parentId?: string;
  name?: string;
  type: string;
  subType?: string;
  status: string;
  start?: number;
  end?: number;
  attempt?: number;
  nextAttempt?: number;
  scheduledEnd?: number;
  callbackId?: string;
  input?: string;
  result?: string;
  error?: unknown;
  segments: Segment[];
  location?: string;
}

export interface ExecutionDetail {
  execution: ExecutionRow & { input?: string; result?: string; error?: unknown };
  operations: OperationView[];
  now: number;
}

const STATUSES = new Set(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"]);

export function listExecutions(engine: Engine, filter: { status?: string; function?: string }): { functions: string[]; executions: ExecutionRow[] } {
  const functions = engine.functions.all().filter((fn) => fn.durable).map((fn) => fn.name).sort();
  const status = filter.status && STATUSES.has(filter.status) ? filter.status : undefined;
  const names = filter.function ? functions.filter((name) => name === filter.function) : functions;
  const executions: ExecutionRow[] = [];
  for (const name of names) {
    for (const record of engine.store.listExecutions(name, true)) {
      if (status && record.status !== status) continue;
      executions.push({ arn: record.arn, name: record.name, function: record.functionName, status: record.status, start: record.startMs, ...(record.endMs !== null ? { end: record.endMs } : {}), ...(record.status === "RUNNING" && record.invocationId === null ? { waiting: true } : {}) });
    }
  }
  executions.sort((a, b) => b.start - a.start || (a.arn < b.arn ? 1 : -1));
  return { functions, executions };
}

/** undefined: no such execution. */
export function describeExecution(engine: Engine, arn: string, manifests: ManifestLookup | undefined): ExecutionDetail | undefined {
  const record = engine.store.execution(arn);
  if (!record) return undefined;
  const sites = siteLookup(manifests?.(record.functionName));
  const segments = attemptSegments(engine, arn, record.lastEventId);
  const operations: OperationView[] = [];
  for (const { operation: op } of engine.store.operations(arn)) {
    if (op.Type === "EXECUTION") continue;
    const step = op.StepDetails;
    const details = step ?? op.ContextDetails ?? op.CallbackDetails ?? op.ChainedInvokeDetails;
    const view: OperationView = { id: op.Id, type: op.Type, status: op.Status, segments: segments.get(op.Id) ?? [] };
    if (op.ParentId !== undefined && op.ParentId !== record.executionOpId) view.parentId = op.ParentId;
    if (op.Name !== undefined) view.name = op.Name;
    if (op.SubType !== undefined) view.subType = op.SubType;
    if (op.StartTimestamp !== undefined) view.start = op.StartTimestamp;
    if (op.EndTimestamp !== undefined) view.end = op.EndTimestamp;
    if (step?.Attempt !== undefined) view.attempt = step.Attempt;
    if (step?.NextAttemptTimestamp !== undefined) view.nextAttempt = Number(step.NextAttemptTimestamp);
    if (op.WaitDetails?.ScheduledEndTimestamp !== undefined) view.scheduledEnd = Number(op.WaitDetails.ScheduledEndTimestamp);
    if (op.CallbackDetails?.CallbackId !== undefined) view.callbackId = op.CallbackDetails.CallbackId;
    const detail = details as { Result?: string; Error?: unknown } | undefined;
    if (detail?.Result != null) view.result = detail.Result;
    if (detail?.Error != null) view.error = detail.Error;
    const location = op.Name === undefined ? undefined : sites(op.Name);
    if (location) view.location = location;
    operations.push(view);
  }
  const error = record.error === null ? undefined : (JSON.parse(record.error) as unknown);
  return {
    execution: {
      arn: record.arn,
      name: record.name,
      function: record.functionName,
      status: record.status,
      start: record.startMs,
      ...(record.endMs !== null ? { end: record.endMs } : {}),
      ...(record.input !== null ? { input: record.input } : {}),
      ...(record.result !== null ? { result: record.result } : {}),
      ...(error !== undefined ? { error } : {}),
    },
    operations,
    now: engine.clock.now(),
  };
}

/** Each step's attempts: from a StepStarted (or the previous attempt's end) to its StepFailed / StepSucceeded. */
function attemptSegments(engine: Engine, arn: string, lastEventId: number): Map<string, Segment[]> {
  const byId = new Map<string, Segment[]>();
  for (const event of engine.store.events(arn, 0, lastEventId + 1, false)) {
    const id = event.Id as string | undefined;
    if (id === undefined || !event.EventType.startsWith("Step")) continue;
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    const open = list[list.length - 1];
    if (event.EventType === "StepStarted") {
      list.push({ start: event.EventTimestamp, outcome: "running" });
    } else {
      const outcome = event.EventType === "StepFailed" ? "failed" : "succeeded";
      if (open && open.outcome === "running") {
        open.end = event.EventTimestamp;
        open.outcome = outcome;
      } else {
        // An attempt checkpointed without a START (the runtime may skip it): a point in time.
        list.push({ start: event.EventTimestamp, end: event.EventTimestamp, outcome });
      }
    }
  }
  return byId;
}

/** Operation name -> file:line:col, from `durableName:operationName` keys of the manifest's names. */
function siteLookup(manifest: UiManifest | undefined): (name: string) => string | undefined {
  if (!manifest) return () => undefined;
  const modules = "modules" in manifest ? manifest.modules : [manifest];
  const sites = new Map<string, string>();
  for (const module of modules) {
    for (const [key, loc] of Object.entries(module.names)) {
      const name = key.slice(key.indexOf(":") + 1);
      if (!sites.has(name)) sites.set(name, loc);
    }
  }
  // A call site says more than the step's definition: definitions only fill the names no call has.
  for (const module of modules) for (const step of module.steps) if (!sites.has(step.runtimeName)) sites.set(step.runtimeName, step.loc);
  return (name) => sites.get(name) ?? sites.get(name.replace(/#\d+$/, ""));
}
