/**
 * Durations as the official SDK spells them (`{ days?, hours?, minutes?, seconds? }`) and their
 * conversion to the whole seconds the wire carries. Validation lives here so every operation
 * reports a bad duration the same way.
 */
import { DurableError, ErrorCode, showValue } from "./errors.ts";

export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

const UNIT_SECONDS = { days: 86_400, hours: 3_600, minutes: 60, seconds: 1 } as const;

/**
 * Whole seconds of `duration`. `where` names the call in the error ("wait \"cool-down\"").
 * Rejects: non-objects, unknown keys, no unit at all, negative or non-finite numbers, a total
 * that is not a whole number of seconds, and a total below `min`.
 */
export function durationToSeconds(duration: unknown, where: string, min = 0): number {
  const fix = `Pass an object such as { seconds: 30 } or { minutes: 5 } (units: days, hours, minutes, seconds).`;
  if (typeof duration !== "object" || duration === null || Array.isArray(duration)) {
    throw invalid(`${where}: the duration must be an object, got ${showValue(duration)}. ${fix}`);
  }
  let total = 0;
  let units = 0;
  for (const [key, value] of Object.entries(duration)) {
    if (value === undefined) continue;
    const factor = (UNIT_SECONDS as Record<string, number>)[key];
    if (factor === undefined) throw invalid(`${where}: unknown duration unit "${key}". ${fix}`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw invalid(`${where}: ${key} must be a finite number >= 0, got ${showValue(value)}. ${fix}`);
    }
    total += value * factor;
    units++;
  }
  if (units === 0) throw invalid(`${where}: the duration names no unit. ${fix}`);
  if (!Number.isInteger(total)) {
    throw invalid(`${where}: the duration is ${total} seconds; durations are whole seconds on the wire. ${fix}`);
  }
  if (total < min) throw invalid(`${where}: the duration is ${total} seconds; it must be at least ${min}. ${fix}`);
  return total;
}

function invalid(message: string): DurableError {
  return new DurableError(ErrorCode.INVALID_DURATION, message);
}
