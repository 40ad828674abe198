/**
 * The read commands: GetDurableExecutionState (token-checked, pruned, paged), GetDurableExecution,
 * ListDurableExecutionsByFunction (filters, order, pages) and GetDurableExecutionHistory (pages,
 * order, with or without payloads). Results keep epoch-ms timestamps; callers format them.
 */
import type { ErrorObject, GetExecutionStateRequest } from "../../runtime/protocol/wire.ts";
import type { ExecutionRecord, Store, StoredEvent, StoredOperation } from "../store/store.ts";
import { parseError } from "../store/store.ts";
import { functionArn } from "./arn.ts";
import { INVALID_TOKEN, invalidParameter, notFound } from "./service-error.ts";
import { decodeMarker, encodeMarker, pageSize, prunedOperations } from "./state-view.ts";

function execution(store: Store, arn: unknown): ExecutionRecord {
  if (typeof arn !== "string" || arn === "") throw invalidParameter("DurableExecutionArn is required.");
  const record = store.execution(arn);
  if (!record) throw notFound(`Durable execution not found: ${arn}`);
  return record;
}

export function getState(store: Store, request: GetExecutionStateRequest): { Operations: StoredOperation[]; NextMarker?: string } {
  const record = execution(store, request.DurableExecutionArn);
  const token = request.CheckpointToken;
  if (typeof token !== "string" || token === "" || (token !== record.token && token !== record.invocationToken)) throw invalidParameter(INVALID_TOKEN);
  const size = pageSize(request.MaxItems, 100);
  const after = decodeMarker("state", request.Marker);
  const rows = prunedOperations(store.operations(record.arn)).filter((row) => after === undefined || row.ord > Number(after));
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    Operations: page.map((row) => row.operation),
    ...(rows.length > page.length && last ? { NextMarker: encodeMarker("state", last.ord) } : {}),
  };
}

export interface ExecutionView {
  DurableExecutionArn: string;
  DurableExecutionName: string;
  FunctionArn: string;
  Status: string;
  StartTimestamp: number;
  EndTimestamp?: number;
  InputPayload?: string;
  Result?: string;
  Error?: ErrorObject;
  Version?: string;
  ExecutionDataIncluded?: boolean;
  DurableConfig?: { ExecutionTimeout: number };
}

export function describeExecution(record: ExecutionRecord, region: string, includeData: boolean | undefined): ExecutionView {
  const view: ExecutionView = {
    DurableExecutionArn: record.arn,
    DurableExecutionName: record.name,
    FunctionArn: `${functionArn(region, record.functionName)}:$LATEST`,
    Status: record.status,
    StartTimestamp: record.startMs,
    Version: "$LATEST",
    DurableConfig: { ExecutionTimeout: record.timeoutSeconds },
  };
  if (record.endMs !== null) view.EndTimestamp = record.endMs;
  if (includeData !== false) {
    view.ExecutionDataIncluded = true;
    if (record.input !== null) view.InputPayload = record.input;
    if (record.result !== null) view.Result = record.result;
    const error = parseError(record.error);
    if (error) view.Error = error;
  } else {
    view.ExecutionDataIncluded = false;
  }
  return view;
}

export function getExecution(store: Store, arn: unknown, region: string, includeData?: boolean): ExecutionView {
  return describeExecution(execution(store, arn), region, includeData);
}

export interface ListRequest {
  FunctionName: string;
  DurableExecutionName?: string;
  Statuses?: string[];
  StartedAfter?: number;
  StartedBefore?: number;
  ReverseOrder?: boolean;
  Marker?: string;
  MaxItems?: number;
}

export function listExecutions(store: Store, request: ListRequest, region: string): { DurableExecutions: ExecutionView[]; NextMarker?: string } {
  const size = pageSize(request.MaxItems, 100);
  const after = decodeMarker("list", request.Marker);
  const statuses = request.Statuses?.length ? new Set(request.Statuses) : undefined;
  const matching = store
    .listExecutions(request.FunctionName, request.ReverseOrder === true)
    .filter((r) => request.DurableExecutionName === undefined || r.name === request.DurableExecutionName)
    .filter((r) => !statuses || statuses.has(r.status))
    .filter((r) => request.StartedAfter === undefined || r.startMs > request.StartedAfter)
    .filter((r) => request.StartedBefore === undefined || r.startMs < request.StartedBefore);
  const start = after === undefined ? 0 : matching.findIndex((r) => r.arn === after) + 1;
  if (after !== undefined && start === 0) throw invalidParameter("Marker does not point into this listing any more.");
  const page = matching.slice(start, start + size);
  const last = page[page.length - 1];
  return {
    DurableExecutions: page.map((r) => {
      const { DurableExecutionArn, DurableExecutionName, FunctionArn, Status, StartTimestamp, EndTimestamp } = describeExecution(r, region, false);
      return { DurableExecutionArn, DurableExecutionName, FunctionArn, Status, StartTimestamp, ...(EndTimestamp !== undefined ? { EndTimestamp } : {}) };
    }),
    ...(start + size < matching.length && last ? { NextMarker: encodeMarker("list", last.arn) } : {}),
  };
}

export interface HistoryRequest {
  DurableExecutionArn: string;
  IncludeExecutionData?: boolean;
  MaxItems?: number;
  Marker?: string;
  ReverseOrder?: boolean;
}

export function getHistory(store: Store, request: HistoryRequest): { Events: StoredEvent[]; NextMarker?: string } {
  const record = execution(store, request.DurableExecutionArn);
  const size = pageSize(request.MaxItems, 100);
  const reverse = request.ReverseOrder === true;
  const after = decodeMarker("history", request.Marker);
  const from = after === undefined ? (reverse ? record.lastEventId + 1 : 0) : Number(after);
  const events = store.events(record.arn, from, size + 1, reverse);
  const page = events.slice(0, size);
  const last = page[page.length - 1];
  return {
    Events: request.IncludeExecutionData === false ? page.map(withoutData) : page,
    ...(events.length > size && last ? { NextMarker: encodeMarker("history", last.EventId) } : {}),
  };
}

function withoutData(event: StoredEvent): StoredEvent {
  const copy = structuredClone(event) as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith("Details") || typeof value !== "object" || value === null) continue;
    const details = value as Record<string, unknown>;
    for (const field of ["Input", "Result", "Error"]) {
      const member = details[field] as { Payload?: unknown } | undefined;
      if (member && typeof member === "object" && "Payload" in member) details[field] = { ...member, Payload: undefined, Truncated: true };
    }
  }
  return copy as StoredEvent;
}
