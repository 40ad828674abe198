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
  /** How errors name the call: `map "orders"`, or `map` when unnamed. */
  where: string;
}

export function splitName(
  method: string,
  args: readonly unknown[],
  isNameFirst: (args: readonly unknown[]) => boolean = NameRule.stringOrUndefinedFirst,
): NamedArgs {
  if (!isNameFirst(args)) return { name: undefined, rest: [...args], where: method };
  const name = args[0] as string | undefined;
  if (name !== undefined) checkName(method, name);
  return { name, rest: args.slice(1), where: name === undefined ? method : `${method} "${name}"` };
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
      `${method}: ${what} must be a function, got ${kindOf(value)}. ` +
        `Call it as ${method}(name?, ${what}, config?).`,
    );
  }
}

/** `typeof`, with null told apart: what error messages say was passed instead. */
export function kindOf(value: unknown): string {
  return value === null ? "null" : typeof value;
}
