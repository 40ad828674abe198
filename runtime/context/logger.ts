/**
 * Logging, with the official SDK 2.x contract. A logger is any object with error / warn / info /
 * debug (and optionally `log(level, ...)` and `configureDurableLoggingContext`). The context's
 * `logger` forwards each call, arguments unchanged, to the execution's logger (the default one, or
 * the `customLogger` of `configureLogger`), and is silent while the code that logs is replaying
 * (unless `modeAware` is false); a step's `logger` forwards without that check. The default logger
 * writes one JSON record per call through its own Console on process.stdout / process.stderr, as
 * the official one does: `requestId`, `timestamp`, `level`, `executionArn`, `tenantId`,
 * `operationId`, `operationName`, `attempt`, then the message (`util.format` of the arguments when
 * there are several), filtered by AWS_LAMBDA_LOG_LEVEL. It never throws into user code.
 */
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { Console } = process.getBuiltinModule("node:console");
const { formatWithOptions } = process.getBuiltinModule("node:util");

export type DurableLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

/** What a record says about where it was written; see `DurableLoggingContext`. */
export interface DurableLogData {
  requestId: string;
  executionArn: string;
  tenantId?: string;
  /** The hashed id of the step or child context whose body logs; absent at the top level. */
  operationId?: string;
  operationName?: string;
  /** Inside a step body or a waitForCondition check: 1 for the first attempt. */
  attempt?: number;
  [key: string]: unknown;
}

/** Handed to a logger's `configureDurableLoggingContext`: reads the data of the code logging now. */
export interface DurableLoggingContext {
  getDurableLogData: () => DurableLogData;
}

export interface DurableLogger {
  log?(level: `${DurableLogLevel}`, ...params: any): void;
  error(...params: any): void;
  warn(...params: any): void;
  info(...params: any): void;
  debug(...params: any): void;
  configureDurableLoggingContext?(durableLoggingContext: DurableLoggingContext): void;
}

/** The logger a context hands out: the logging methods of `Logger`. */
export type DurableContextLogger<Logger extends DurableLogger> = Pick<Logger, "log" | "warn" | "info" | "error" | "debug">;

export interface LoggerConfig<Logger extends DurableLogger = DurableLogger> {
  customLogger?: Logger;
  /** Silent while replaying. @default true */
  modeAware?: boolean;
}

const PRIORITY: Record<string, number> = { DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5 };
const METHODS = ["log", "debug", "info", "warn", "error"] as const;
type Method = (typeof METHODS)[number];

function loggerOf(send: (method: Method, params: unknown[]) => void): Required<Pick<DurableLogger, Method>> {
  return Object.fromEntries(METHODS.map((method) => [method, (...params: unknown[]) => send(method, params)])) as never;
}

/**
 * A logger that forwards each call unchanged to `target()`, unless `silent()`. `log(level, ...)`
 * goes to the target's `log`, or to the method of that level when the target has none.
 */
export function forwardingLogger(target: () => DurableLogger, silent: () => boolean): Required<Pick<DurableLogger, Method>> {
  return loggerOf((method, params) => {
    if (silent()) return;
    const logger = target() as unknown as Record<string, ((...a: unknown[]) => void) | undefined>;
    if (logger[method]) logger[method]!(...params);
    else if (method === "log") logger[String(params[0]).toLowerCase()]?.(...params.slice(1));
  });
}

let console_: Console | undefined;

/**
 * The default logger. `source` gives each record's data; extra fields (instrumentation plugins'
 * `enrichLogContext`) come after the official ones.
 */
export function createDefaultLogger(source: DurableLoggingContext, enrich?: () => Record<string, unknown> | undefined): DurableLogger {
  const threshold = PRIORITY[process.env["AWS_LAMBDA_LOG_LEVEL"]?.toUpperCase() ?? ""] ?? PRIORITY["DEBUG"]!;
  let context = source;
  return {
    ...loggerOf((method, params) => {
      // log(level, ...): an unknown level is INFO, as in the official SDK.
      const level = method !== "log" ? method.toUpperCase() : (params[0] as string) in PRIORITY ? String(params.shift()) : (params.shift(), "INFO");
      if (PRIORITY[level]! < threshold) return;
      // Created once, lazily: a Console of our own, so a patched global console is not used.
      console_ ??= new Console({ stdout: process.stdout, stderr: process.stderr });
      console_[level.toLowerCase() as "info"](formatRecord(level, context.getDurableLogData(), enrich, params));
    }),
    configureDurableLoggingContext: (next) => void (context = next),
  };
}

/** One JSON record, laid out as the official SDK's (itself the Lambda runtime's JSON log format). */
export function formatRecord(level: string, data: DurableLogData, enrich: (() => Record<string, unknown> | undefined) | undefined, params: unknown[]): string {
  const record: Record<string, unknown> = { requestId: data.requestId, timestamp: new Date().toISOString(), level, executionArn: data.executionArn };
  if (data.tenantId != null) record["tenantId"] = data.tenantId;
  for (const key of ["operationId", "operationName", "attempt"]) if (data[key] !== undefined) record[key] = data[key];
  try {
    Object.assign(record, enrich?.());
  } catch {
    // a plugin's fields must never break logging
  }
  // An undefined first argument is dropped, as the official SDK does.
  const values = params[0] === undefined ? params.slice(1) : params;
  if (values.length === 1) {
    record["message"] = values[0];
    try {
      return JSON.stringify(record, errorFields);
    } catch {
      record["message"] = format(values);
      return JSON.stringify(record);
    }
  }
  record["message"] = format(values);
  const error = values.find((v): v is Error => v instanceof Error);
  if (error) Object.assign(record, { errorType: error.constructor?.name ?? "UnknownError", errorMessage: error.message, stackTrace: error.stack?.split("\n") ?? [] });
  return JSON.stringify(record);
}

function format(values: unknown[]): string {
  return formatWithOptions({ breakLength: Infinity }, ...values);
}

function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error
    ? { errorType: value.constructor?.name ?? "UnknownError", errorMessage: value.message, stackTrace: value.stack?.split("\n"), ...value }
    : value;
}
