/**
 * The functions an engine can invoke, by name: in-process handlers (tests) or built bundles run in
 * worker threads, durable or plain, each with its concurrency, timeout and execution timeout.
 * Registering a name again replaces its code for every later invocation (a deploy). Implements the
 * service's FunctionCatalog; knows nothing of how an invocation runs.
 */
import { isAbsolute, resolve } from "node:path";
import { EngineError, EngineErrorCode } from "../engine-error.ts";
import type { FunctionCatalog, FunctionDescription } from "../service/catalog.ts";

export type LambdaHandler = (event: any, context: any, callback?: any) => unknown;

export type FunctionCode =
  | { handler: LambdaHandler }
  /** A built ES module and the export that is the Lambda handler (default `handler`). */
  | { bundle: string; export?: string };

export interface FunctionOptions {
  /** A durable function (invoked with the durable event) or a plain one (chained invokes only). @default true */
  durable?: boolean;
  /** In-flight invocations at most. @default 10 for bundles, 100 for handlers */
  concurrency?: number;
  /** An invocation running longer is stopped (a worker) or abandoned (in-process) and retried. @default 60 */
  timeoutSeconds?: number;
  /** DurableConfig.ExecutionTimeout. @default 31,622,400 (366 days, the maximum) */
  executionTimeoutSeconds?: number;
  /** How a bundle's durable client reaches the engine: a MessagePort, or the HTTP API through @aws-sdk/client-lambda. @default "port" */
  transport?: "port" | "http";
  /** The build's manifest (use-durable.manifest.json), to show non-determinism errors with their call sites. */
  manifest?: string;
}

export interface RegisteredFunction {
  name: string;
  code: FunctionCode;
  durable: boolean;
  concurrency: number;
  timeoutMs: number;
  executionTimeoutSeconds: number;
  transport: "port" | "http";
  manifest: string | undefined;
  /** Counts registrations of this name: what a worker pool checks to retire old code. */
  version: number;
}

export const MAX_EXECUTION_TIMEOUT_SECONDS = 31_622_400;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class FunctionRegistry implements FunctionCatalog {
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly replaced = new Map<string, RegisteredFunction[]>();
  private versions = 0;

  register(name: string, code: FunctionCode, options: FunctionOptions = {}, root = process.cwd()): RegisteredFunction {
    if (!NAME.test(name)) {
      throw new EngineError(EngineErrorCode.FUNCTION, `Function name ${JSON.stringify(name)} is not valid: use 1 to 64 letters, digits, hyphens or underscores (Lambda's rule).`);
    }
    const isHandler = "handler" in code;
    if (isHandler ? typeof code.handler !== "function" : typeof code.bundle !== "string") {
      throw new EngineError(EngineErrorCode.FUNCTION, `Function ${name}: give { handler } (a function) or { bundle, export? } (a built module path).`);
    }
    const timeout = options.timeoutSeconds ?? 60;
    const executionTimeout = options.executionTimeoutSeconds ?? MAX_EXECUTION_TIMEOUT_SECONDS;
    const concurrency = options.concurrency ?? (isHandler ? 100 : 10);
    if (!(timeout > 0) || !(executionTimeout >= 1 && executionTimeout <= MAX_EXECUTION_TIMEOUT_SECONDS) || !(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new EngineError(
        EngineErrorCode.FUNCTION,
        `Function ${name}: timeoutSeconds must be above 0, executionTimeoutSeconds from 1 to ${MAX_EXECUTION_TIMEOUT_SECONDS}, concurrency a whole number from 1.`,
      );
    }
    const registered: RegisteredFunction = {
      name,
      code: isHandler ? code : { bundle: isAbsolute(code.bundle) ? code.bundle : resolve(root, code.bundle), export: code.export ?? "handler" },
      durable: options.durable ?? true,
      concurrency,
      timeoutMs: timeout * 1000,
      executionTimeoutSeconds: executionTimeout,
      transport: options.transport ?? "port",
      manifest: options.manifest === undefined ? undefined : resolve(root, options.manifest),
      version: ++this.versions,
    };
    const previous = this.functions.get(name);
    if (previous) this.replaced.set(name, [previous, ...(this.replaced.get(name) ?? [])]);
    this.functions.set(name, registered);
    return registered;
  }

  /** The registrations this name had before, newest first (what executions in flight were recorded by). */
  earlier(name: string): RegisteredFunction[] {
    return this.replaced.get(name) ?? [];
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }

  all(): RegisteredFunction[] {
    return [...this.functions.values()];
  }

  describe(name: string): FunctionDescription | undefined {
    const fn = this.functions.get(name);
    return fn && { name: fn.name, durable: fn.durable, executionTimeoutSeconds: fn.executionTimeoutSeconds };
  }
}
