/**
 * What a caller sees of an execution's operations and history: ReplayChildren pruning (children of
 * a SUCCEEDED or FAILED CONTEXT are left out unless it kept them, recursively), pages with opaque
 * markers, and timestamps in the caller's format (Date objects in process, ISO strings on an
 * invocation event, epoch seconds over HTTP). The store keeps epoch ms.
 */
import type { OperationRow, StoredOperation } from "../store/store.ts";
import { invalidParameter } from "./service-error.ts";

export type TimeFormat = "date" | "iso" | "seconds" | "ms";

const TIME_KEYS = new Set(["StartTimestamp", "EndTimestamp", "NextAttemptTimestamp", "ScheduledEndTimestamp", "EventTimestamp", "StopTimestamp"]);

/** A deep copy of `value` with every timestamp member (epoch ms) in `format`. */
export function withTimes<T>(value: T, format: TimeFormat): T {
  if (format === "ms") return value;
  const convert = (ms: number) => (format === "date" ? new Date(ms) : format === "iso" ? new Date(ms).toISOString() : ms / 1000);
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "number" && key !== undefined && TIME_KEYS.has(key)) return convert(v);
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) if (item !== undefined) out[k] = walk(item, k);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * `withTimes(value, "date")` in place, for a value just parsed from JSON (the worker threads'
 * replies travel as JSON text with epoch-ms timestamps: one parse in the worker instead of a deep
 * copy and a structured clone on the engine's thread).
 */
export function reviveDates<T>(value: T): T {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const item = o[k];
        if (typeof item === "number" && TIME_KEYS.has(k)) o[k] = new Date(item);
        else if (item !== null && typeof item === "object") walk(item);
      }
    }
  };
  walk(value);
  return value;
}

/** Operations in creation order, without the children a completed CONTEXT does not replay. */
export function prunedOperations(rows: readonly OperationRow[]): OperationRow[] {
  const byId = new Map<string, StoredOperation>();
  for (const row of rows) byId.set(row.id, row.operation);
  const excluded = new Set<string>();
  const kept: OperationRow[] = [];
  for (const row of rows) {
    const parentId = row.operation.ParentId;
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    const closed = parent?.Type === "CONTEXT" && (parent.Status === "SUCCEEDED" || parent.Status === "FAILED");
    if (parentId !== undefined && (excluded.has(parentId) || (closed && !parent.ContextDetails?.ReplayChildren))) {
      excluded.add(row.id);
      continue;
    }
    kept.push(row);
  }
  return kept;
}

/** Opaque page markers: a kind and a position, so a marker from one listing is refused by another. */
export function encodeMarker(kind: string, position: number | string): string {
  return Buffer.from(JSON.stringify([kind, position])).toString("base64url");
}

export function decodeMarker(kind: string, marker: string | undefined): number | string | undefined {
  if (marker === undefined || marker === "") return undefined;
  try {
    const [k, position] = JSON.parse(Buffer.from(marker, "base64url").toString("utf8")) as [string, number | string];
    if (k === kind && (typeof position === "number" || typeof position === "string")) return position;
  } catch {
    // fall through to the error
  }
  throw invalidParameter(`Marker ${JSON.stringify(marker)} is not a marker this listing returned.`);
}

export function pageSize(maxItems: number | undefined, fallback: number, limit = 1000): number {
  if (maxItems === undefined || maxItems === null) return fallback;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > limit) {
    throw invalidParameter(`MaxItems must be an integer from 1 to ${limit}, got ${JSON.stringify(maxItems)}.`);
  }
  return maxItems;
}
