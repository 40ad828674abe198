/**
 * The context logger: one structured record per call carrying the execution ARN and the
 * operation id, silent while the code that logs is being replayed (unless modeAware is false).
 * A custom logger receives (message, ...params, { executionArn, operationId }).
 */

export interface DurableLogger {
  log(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
  debug(...params: unknown[]): void;
}

export interface LoggerConfig {
  customLogger?: Partial<DurableLogger>;
  /** Suppress records while replaying. @default true */
  modeAware?: boolean;
}

export interface LogScope {
  executionArn: string;
  operationId: string | undefined;
  isReplaying: () => boolean;
  config: () => LoggerConfig;
}

const LEVELS = ["log", "info", "warn", "error", "debug"] as const;
type Level = (typeof LEVELS)[number];

export function createLogger(scope: LogScope): DurableLogger {
  const emit = (level: Level, params: unknown[]): void => {
    const config = scope.config();
    if ((config.modeAware ?? true) && scope.isReplaying()) return;
    const fields = { executionArn: scope.executionArn, operationId: scope.operationId };
    const custom = config.customLogger?.[level];
    if (custom) {
      custom.call(config.customLogger, ...params, fields);
      return;
    }
    const [message, ...rest] = params;
    const record: Record<string, unknown> = { timestamp: new Date().toISOString(), level: level.toUpperCase(), ...fields, message };
    if (rest.length > 0) record["params"] = rest.map((p) => (p instanceof Error ? { name: p.name, message: p.message, stack: p.stack } : p));
    console[level === "log" ? "info" : level](safeJson(record));
  };
  return Object.fromEntries(LEVELS.map((level) => [level, (...params: unknown[]) => emit(level, params)])) as unknown as DurableLogger;
}

function safeJson(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ ...record, message: String(record["message"]), params: "[unserializable]" });
  }
}
