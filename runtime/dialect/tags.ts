/**
 * The tags compiled code puts on step and durable functions (`Symbol.for` keys, so they survive
 * duplicated bundles), and `configureStep`, which sets a step function's options where it is
 * defined. Run-time dispatch reads these tags; nothing else does.
 */
import { requireFunction } from "../context/arguments.ts";
import type { StepConfig } from "../operations/step.ts";
import type { CallSites } from "./call-sites.ts";

export type Fn = (...args: any[]) => any;

export interface StepMeta {
  /** The step function's own name. */
  name: string;
  config?: StepConfig<any>;
  /** The module's call-site table (`__ud_sites`), read only when an error needs a location. */
  sites?: () => CallSites;
}

export interface DurableMeta {
  /** The durable function's own name. */
  name: string;
  /** The module's call-site table (`__ud_sites`), read only when an error needs a location. */
  sites?: () => CallSites;
}

const STEP = Symbol.for("use-durable.step");
const DURABLE = Symbol.for("use-durable.durable");

type Tagged = Fn & { [STEP]?: StepMeta; [DURABLE]?: DurableMeta };

/** Tags a step function (dispatch.ts's registerStep also wraps it). */
export function tagStep<F extends Fn>(fn: F, meta: StepMeta): F {
  requireFunction("registerStep", "fn", fn);
  const existing = (fn as Tagged)[STEP];
  // configureStep may have run first (it can sit above the declaration); keep its config.
  const config = existing?.config || meta.config ? { ...meta.config, ...existing?.config } : undefined;
  define(fn, STEP, config ? { name: meta.name, config } : { name: meta.name });
  return fn;
}

export function registerDurable<F extends Fn>(fn: F, meta: DurableMeta): F {
  requireFunction("registerDurable", "fn", fn);
  define(fn, DURABLE, { name: meta.name });
  return fn;
}

/**
 * Sets the options of a step function (retry strategy, semantics, serdes); returns `fn`.
 * @example configureStep(chargeCard, { retryStrategy: retryPresets.noRetry })
 */
export function configureStep<F extends Fn>(fn: F, config: StepConfig<Awaited<ReturnType<F>>>): F {
  requireFunction("configureStep", "fn", fn);
  const existing = (fn as Tagged)[STEP];
  define(fn, STEP, { name: existing?.name ?? fn.name, config: { ...existing?.config, ...config } });
  return fn;
}

export function stepMeta(fn: unknown): StepMeta | undefined {
  return typeof fn === "function" ? (fn as Tagged)[STEP] : undefined;
}

export function durableMeta(fn: unknown): DurableMeta | undefined {
  return typeof fn === "function" ? (fn as Tagged)[DURABLE] : undefined;
}

function define(fn: Fn, key: symbol, value: StepMeta | DurableMeta): void {
  Object.defineProperty(fn, key, { value, configurable: true, enumerable: false, writable: false });
}
