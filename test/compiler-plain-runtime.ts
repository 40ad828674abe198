/**
 * "use-durable" for the plain run of a behaviour fixture: the program with its steps called plainly,
 * no compiler and no durable runtime. Waits return at once; an inline step just runs its function.
 */
export async function sleep(..._args: unknown[]): Promise<void> {}

export async function step(...args: unknown[]): Promise<unknown> {
  const fn = args.find((a): a is () => unknown => typeof a === "function");
  if (!fn) throw new Error("plain step(): no function argument");
  return fn();
}

export function configureStep<F>(fn: F): F {
  return fn;
}

export const retryPresets = {
  noRetry: () => ({ shouldRetry: false }),
};
