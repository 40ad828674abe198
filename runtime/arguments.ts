/**
 * The official SDK's optional-leading-name overloads, in one place: `step(name?, fn, config?)`,
 * `wait(name?, duration)`, `invoke(name?, funcId, input?, config?)`, ... Each method picks the
 * rule its SDK counterpart uses; every operation module calls `splitName`.
 */
import { DurableError, ErrorCode } from "./errors.ts";

export const NameRule = {
  /** step, runInChildContext, map, parallel, waitForCallback, waitForCondition, createCallback */
  stringOrUndefinedFirst: (args: readonly unknown[]) => typeof args[0] === "string" || args[0] === undefined,
  /** wait: only a string first argument is a name */
  stringFirst: (args: readonly unknown[]) => typeof args[0] === "string",
  /** invoke: `(a, b)` with b a string reads as (name, funcId) */
  stringSecond: (args: readonly unknown[]) => typeof args[1] === "string",
} as const;

export interface NamedArgs {
  name: string | undefined;
  rest: unknown[];
}

export function splitName(
  method: string,
  args: readonly unknown[],
  isNameFirst: (args: readonly unknown[]) => boolean = NameRule.stringOrUndefinedFirst,
): NamedArgs {
  if (!isNameFirst(args)) return { name: undefined, rest: [...args] };
  const name = args[0] as string | undefined;
  if (name !== undefined) checkName(method, name);
  return { name, rest: args.slice(1) };
}

/** Names go on the wire: printable ASCII, 1 to 256 characters. */
export function checkName(method: string, name: string): void {
  if (name.length === 0 || name.length > 256 || !/^[\x20-\x7E]+$/.test(name)) {
    throw new DurableError(
      ErrorCode.INVALID_ARGUMENT,
      `${method}: the name ${JSON.stringify(name.slice(0, 300))} is not a valid operation name. ` +
        `Names are 1 to 256 printable ASCII characters; pass a shorter or plain-ASCII name, or none.`,
    );
  }
}

export function requireFunction(method: string, what: string, value: unknown): asserts value is (...a: never[]) => unknown {
  if (typeof value !== "function") {
    throw new DurableError(
      ErrorCode.INVALID_ARGUMENT,
      `${method}: ${what} must be a function, got ${value === null ? "null" : typeof value}. ` +
        `Call it as ${method}(name?, ${what}, config?).`,
    );
  }
}
