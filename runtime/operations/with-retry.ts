/**
 * `withRetry(ctx, name?, fn, { retryStrategy, wrapWithRunInChildContext?, childContextConfig? })`
 * (official SDK 2.4): retries a whole group of durable operations, not one step. `fn(ctx, attempt)`
 * runs (by default inside one child context named `name`); when it throws, the strategy decides,
 * and a retry first waits durably (a WAIT named `<name>-backoff-<attempt>`, or unnamed), so the
 * Lambda suspends between attempts and every attempt's operations are recorded and replayed in
 * order. A strategy that says stop rethrows the last error. It only calls the public context API.
 */
import type { DurableContext } from "../context/durable-context.ts";
import type { Duration } from "../context/duration.ts";
import type { ChildConfig } from "./child-context.ts";
import type { RetryDecision } from "./retry-strategy.ts";

export interface WithRetryConfig<T> {
  retryStrategy: (error: Error, attemptCount: number) => RetryDecision;
  /** Run the attempts inside one child context. @default true */
  wrapWithRunInChildContext?: boolean;
  childContextConfig?: ChildConfig<T>;
}

export type RetryableFunc<T> = (context: DurableContext, attempt: number) => Promise<T>;

export function withRetry<T>(context: DurableContext, name: string, func: RetryableFunc<T>, config: WithRetryConfig<T>): Promise<T>;
export function withRetry<T>(context: DurableContext, func: RetryableFunc<T>, config: WithRetryConfig<T>): Promise<T>;
export async function withRetry<T>(context: DurableContext, ...args: unknown[]): Promise<T> {
  const name = typeof args[0] === "string" ? (args.shift() as string) : undefined;
  const [func, config] = args as [RetryableFunc<T>, WithRetryConfig<T> | undefined];
  if (typeof func !== "function" || typeof config?.retryStrategy !== "function") {
    throw new TypeError(
      `withRetry${name === undefined ? "" : ` "${name}"`}: call it as withRetry(ctx, name?, async (ctx, attempt) => ..., { retryStrategy }); ` +
        `got ${typeof func} and ${config === undefined ? "no config" : "a config without a retryStrategy function"}.`,
    );
  }
  const attempts = async (ctx: DurableContext): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await func(ctx, attempt);
      } catch (error) {
        const decision = config.retryStrategy(error instanceof Error ? error : new Error(String(error)), attempt);
        if (!decision.shouldRetry) throw error;
        const delay: Duration = decision.delay ?? { seconds: 1 };
        await (name === undefined ? ctx.wait(delay) : ctx.wait(`${name}-backoff-${attempt}`, delay));
      }
    }
  };
  if (config.wrapWithRunInChildContext === false) return attempts(context);
  return name === undefined ? context.runInChildContext(attempts, config.childContextConfig) : context.runInChildContext(name, attempts, config.childContextConfig);
}
