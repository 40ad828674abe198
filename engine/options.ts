/**
 * EngineOptions -> resolveOptions() -> ResolvedEngineOptions: every default of the engine in one
 * place.
 */
import { join, resolve } from "node:path";
import { EngineError, EngineErrorCode } from "./engine-error.ts";

export interface EngineOptions {
  /** The project root: the default database lives under it. @default process.cwd() */
  root?: string;
  /** The store: a file path (relative to root) or ":memory:". @default ".use-durable/engine.db" */
  database?: string;
  /** "normal" survives a killed process; "full" also a power cut (slower). @default "normal" */
  durability?: "normal" | "full";
  /** "real", or "skip": time jumps to the next timer whenever nothing runs. @default "real" */
  clock?: "real" | "skip";
  /** Serve Lambda's HTTP API on 127.0.0.1. `true` picks a free port. @default false */
  http?: boolean | { port?: number; host?: string };
  /** The region in ARNs and in handlers' environment. @default "us-east-1" */
  region?: string;
  /** Operations in an invocation's first page of state; the rest are paged with NextMarker. @default 1000 */
  statePageSize?: number;
  /** Consecutive failed invocations before the execution fails, and the backoff between them. */
  invocationRetry?: { maxAttempts?: number; baseDelaySeconds?: number; maxDelaySeconds?: number };
}

export interface ResolvedEngineOptions {
  root: string;
  database: string;
  durability: "normal" | "full";
  clock: "real" | "skip";
  http: { port: number; host: string } | undefined;
  region: string;
  statePageSize: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

export function resolveOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const root = resolve(options.root ?? process.cwd());
  const database = options.database ?? join(".use-durable", "engine.db");
  const http = options.http === undefined || options.http === false ? undefined : options.http === true ? {} : options.http;
  const retry = options.invocationRetry ?? {};
  const resolved: ResolvedEngineOptions = {
    root,
    database: database === ":memory:" ? database : resolve(root, database),
    durability: options.durability ?? "normal",
    clock: options.clock ?? "real",
    http: http && { port: http.port ?? 0, host: http.host ?? "127.0.0.1" },
    region: options.region ?? "us-east-1",
    statePageSize: options.statePageSize ?? 1000,
    retry: {
      maxAttempts: retry.maxAttempts ?? 3,
      baseDelayMs: (retry.baseDelaySeconds ?? 1) * 1000,
      maxDelayMs: (retry.maxDelaySeconds ?? 30) * 1000,
    },
  };
  if (!(resolved.statePageSize >= 1 && resolved.statePageSize <= 1000) || !(resolved.retry.maxAttempts >= 1)) {
    throw new EngineError(EngineErrorCode.OPTIONS, "statePageSize must be from 1 to 1000 and invocationRetry.maxAttempts at least 1.");
  }
  return resolved;
}
