/**
 * Durations as compiled code may write them (Vercel Workflow's forms), turned into the whole
 * seconds of the ctx API's `Duration`: a string ("5s", "10m", "2 days", "1h 30m"), milliseconds
 * (a number), or the official `{ days?, hours?, minutes?, seconds? }`. Sub-second amounts round up
 * to a whole second (the wire's unit), never below `min`. Errors name the call and the forms.
 */
import type { Duration } from "../context/duration.ts";
import { DurableError, ErrorCode, showValue } from "../context/errors.ts";

const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1, msecs: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*/gy;

/** Milliseconds of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const source = text.trim().toLowerCase();
  if (source === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const at = PART.lastIndex;
    const match = PART.exec(source);
    if (!match || match.index !== at) return undefined;
    const unit = UNIT_MS[match[2] || "ms"];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return total;
}

/** A string, a number of milliseconds or a Duration, as the ctx API's Duration in whole seconds. */
export function toDuration(value: unknown, where: string, min = 1): Duration | undefined {
  if (typeof value === "object" && value !== null && !(value instanceof Date)) return value as Duration;
  const ms = typeof value === "string" ? parseDuration(value) : typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
  if (ms === undefined) {
    throw new DurableError(
      ErrorCode.INVALID_DURATION,
      `${where}: ${showValue(value)} is not a duration. Write a string such as "30s", "10m", "2 hours", "2 days" or "1h 30m", ` +
        `a number of milliseconds, or an object such as { minutes: 5 }.`,
    );
  }
  return { seconds: Math.max(min, Math.ceil(ms / 1000)) };
}
