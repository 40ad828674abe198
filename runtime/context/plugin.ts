/**
 * Instrumentation plugins (official SDK 2.4, experimental there too): objects whose hooks see an
 * invocation start and end, each operation start and end, each step attempt, the operations the
 * service changed, and may wrap the invocation, a child context's body or an attempt's body (for
 * tracing spans). This module owns the plugin types, the runner that calls every plugin in order
 * and swallows their errors (a plugin never changes what the execution does), and the
 * OperationInfo the hooks receive. It never decides anything about the execution; without plugins
 * the runner is undefined and no hook costs more than that check. Loading plugins named in
 * DURABLE_EXECUTION_PLUGINS is plugin-loader.ts.
 */
import type { DurableOperationError } from "./errors.ts";
import { fromErrorObject } from "./errors.ts";
import type { DurableExecutionInvocationOutput, ErrorObject, Operation } from "../protocol/wire.ts";

export const DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION = 1;

export const PluginInvocationStatus = { SUCCEEDED: "SUCCEEDED", FAILED: "FAILED", PENDING: "PENDING", RETRYING: "RETRYING" } as const;
export type PluginInvocationStatus = (typeof PluginInvocationStatus)[keyof typeof PluginInvocationStatus];

export const PluginOperationStatus = {
  STARTED: "STARTED", READY: "READY", PENDING: "PENDING", SUCCEEDED: "SUCCEEDED",
  FAILED: "FAILED", TIMED_OUT: "TIMED_OUT", STOPPED: "STOPPED", CANCELLED: "CANCELLED",
} as const;
export type PluginOperationStatus = (typeof PluginOperationStatus)[keyof typeof PluginOperationStatus];

export const AttemptEndInfoOutcome = { SUCCEEDED: "SUCCEEDED", FAILED: "FAILED" } as const;
export type AttemptEndInfoOutcome = (typeof AttemptEndInfoOutcome)[keyof typeof AttemptEndInfoOutcome];

export interface OperationInfo {
  /** The hashed id, as on the wire. */
  id: string;
  name?: string;
  type: string;
  subType?: string;
  parentId?: string;
  status?: PluginOperationStatus;
  startTimestamp?: Date;
  endTimestamp?: Date;
  /** The serialized result, as checkpointed. */
  result?: string;
  error?: Error;
  attempt?: number;
  /** True when the hook reports something an earlier invocation already did. */
  isReplay: boolean;
}
export interface OperationEndInfo extends OperationInfo {
  error?: Error;
}
export interface AttemptInfo extends OperationInfo {
  attempt: number;
}
export interface AttemptEndInfo extends AttemptInfo {
  outcome: AttemptEndInfoOutcome;
  error?: Error;
}
export interface InvocationBaseInfo {
  requestId: string;
  executionArn: string;
  executionInput: unknown;
  operations: Record<string, OperationInfo>;
  executionStartTimestamp?: Date;
}
export interface InvocationInfo extends InvocationBaseInfo {
  isFirstInvocation: boolean;
  updatedOperations: Record<string, OperationInfo>;
}
export interface InvocationEndInfo extends InvocationBaseInfo {
  status: PluginInvocationStatus;
  executionResult?: unknown;
  executionError?: Error;
}
export interface OperationChangeInfo {
  executionArn: string;
  updatedOperations: Record<string, OperationInfo>;
  operations: Record<string, OperationInfo>;
}

export type CustomerFnResult = unknown;
export type CustomerFn = () => CustomerFnResult;

export interface DurableInstrumentationPlugin {
  onInvocationStart?(info: InvocationInfo): Promise<void>;
  wrapInvocation?(info: InvocationInfo, fn: () => Promise<DurableExecutionInvocationOutput>): Promise<DurableExecutionInvocationOutput>;
  onInvocationEnd?(info: InvocationEndInfo): Promise<void>;
  onOperationStart?(info: OperationInfo): Promise<void>;
  wrapChildContextFn?(info: OperationInfo, fn: CustomerFn): CustomerFnResult;
  onOperationEnd?(info: OperationEndInfo): Promise<void>;
  onOperationAttemptStart?(info: AttemptInfo): Promise<void>;
  wrapOperationAttemptFn?(info: AttemptInfo, fn: CustomerFn): CustomerFnResult;
  onOperationAttemptEnd?(info: AttemptEndInfo): Promise<void>;
  onOperationChange?(info: OperationChangeInfo): Promise<void>;
  enrichLogContext?(): Record<string, string | number | boolean> | undefined;
}

export type DurableInstrumentationPluginType<Plugin extends DurableInstrumentationPlugin = DurableInstrumentationPlugin> = abstract new (...args: never[]) => Plugin;

/** What a module named in DURABLE_EXECUTION_PLUGINS exports as `durableExecutionPluginProvider`. */
export interface DurableInstrumentationPluginProvider<Plugin extends DurableInstrumentationPlugin = DurableInstrumentationPlugin> {
  readonly pluginApiVersion: typeof DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION;
  readonly pluginType: DurableInstrumentationPluginType<Plugin>;
  createPlugin(): Plugin;
}

type Notify = "onInvocationStart" | "onInvocationEnd" | "onOperationStart" | "onOperationEnd" | "onOperationAttemptStart" | "onOperationAttemptEnd" | "onOperationChange";
type Wrap = "wrapInvocation" | "wrapChildContextFn" | "wrapOperationAttemptFn";
type Hook = (this: DurableInstrumentationPlugin, ...args: any[]) => any;

/** Every plugin, called as one: notifications awaited together, wrappers nested in order. */
export interface PluginRunner {
  notify(method: Notify, info: unknown): Promise<void>;
  wrap<T>(method: Wrap, info: unknown, fn: () => T): T;
  enrichLogContext(): Record<string, unknown>;
}

export function createPluginRunner(plugins: readonly DurableInstrumentationPlugin[]): PluginRunner | undefined {
  const hook = (plugin: DurableInstrumentationPlugin, method: string) => (plugin as unknown as Record<string, Hook | undefined>)[method];
  return plugins.length === 0 ? undefined : {
    async notify(method, info) {
      // A plugin's failure, thrown or rejected, never reaches the execution.
      await Promise.allSettled(plugins.map(async (plugin) => hook(plugin, method)?.call(plugin, info)));
    },
    wrap(method, info, fn) {
      // The user's function runs once, and its own error reaches the caller even when a wrapper
      // swallowed it; a wrapper that throws is skipped.
      let calls = 0;
      let result: any;
      let failed: unknown[] = [];
      const inner = () => {
        if (calls++) return result;
        try {
          result = fn();
        } catch (error) {
          throw (failed = [error])[0];
        }
        return (result = typeof result?.then === "function" ? result.then(undefined, (error: unknown) => Promise.reject((failed = [error])[0])) : result);
      };
      const chain = plugins.reduceRight<() => any>((next, plugin) => () => {
        try {
          return hook(plugin, method) ? hook(plugin, method)!.call(plugin, info, next) : next();
        } catch {
          return next();
        }
      }, inner);
      const check = (value: unknown) => {
        if (failed.length) throw failed[0];
        return value;
      };
      let out: any;
      try {
        out = chain();
      } catch (error) {
        if (failed.length) throw error;
        out = inner();
      }
      return typeof out?.then === "function" ? out.then(check) : check(out);
    },
    enrichLogContext: () => plugins.reduce<Record<string, unknown>>((fields, plugin) => {
      try {
        return { ...fields, ...plugin.enrichLogContext?.() };
      } catch {
        return fields;
      }
    }, {}),
  };
}

function toDate(value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value as string);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The identity an operation has before the service has recorded it. */
export interface OperationIdentity {
  id: string;
  name?: string | undefined;
  type: string;
  subType?: string | undefined;
  parentId?: string | undefined;
}

/** An operation as the hooks see it: its record, with the caller's identity where the record has none. */
export function operationInfo(op: Operation | undefined, identity?: OperationIdentity): OperationInfo {
  const all = [op?.StepDetails, op?.CallbackDetails, op?.ContextDetails, op?.ChainedInvokeDetails] as Array<{ Result?: string; Error?: ErrorObject } | undefined>;
  const error = all.find((d) => d?.Error)?.Error;
  const info: OperationInfo = {
    id: op?.Id || identity?.id || "",
    name: op?.Name ?? identity?.name,
    type: op?.Type || identity?.type || "",
    subType: op?.SubType ?? identity?.subType,
    parentId: op?.ParentId ?? identity?.parentId,
    status: op?.Status as PluginOperationStatus | undefined,
    startTimestamp: toDate(op?.StartTimestamp),
    endTimestamp: toDate(op?.EndTimestamp),
    result: all.find((d) => d?.Result !== undefined)?.Result,
    error: error ? (fromErrorObject(error) as DurableOperationError) : undefined,
    attempt: op?.StepDetails?.Attempt,
    isReplay: false,
  };
  return info;
}

export function operationInfoMap(operations: Iterable<Operation>): Record<string, OperationInfo> {
  const map: Record<string, OperationInfo> = {};
  for (const op of operations) map[op.Id] = operationInfo(op);
  return map;
}
