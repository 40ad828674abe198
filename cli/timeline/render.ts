/**
 * An execution's operations as text: the tree (each operation under its parent, in creation order)
 * with name, type, status, attempt and duration, and the progress lines of what it waits for (a wait
 * or a retry with the time left, a callback with its id and the command that answers it). Pure: the
 * operations and "now" in, lines out; `run` and `history` print them, a TTY region redraws them.
 * Never reads a clock, a file or the terminal.
 */

export interface TimelineOperation {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: string;
  SubType?: string;
  Status: string;
  /** Epoch ms. */
  StartTimestamp?: number;
  EndTimestamp?: number;
  StepDetails?: { Attempt?: number; NextAttemptTimestamp?: number; Result?: string; Error?: { ErrorType?: string; ErrorMessage?: string } };
  WaitDetails?: { ScheduledEndTimestamp?: number };
  CallbackDetails?: { CallbackId?: string; Result?: string; Error?: { ErrorType?: string; ErrorMessage?: string } };
  ContextDetails?: { Result?: string; Error?: { ErrorType?: string; ErrorMessage?: string } };
  ChainedInvokeDetails?: { Result?: string; Error?: { ErrorType?: string; ErrorMessage?: string } };
}

export interface RenderOptions {
  now: number;
  /** Payload previews (results, errors) after each finished operation, cut to this many characters. 0: none. */
  preview?: number;
}

const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED"]);

/** A duration as a person reads it: 850ms, 2.4s, 3m 05s, 1h 00m, 2d 03h. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  if (t < 1000) return `${t}ms`;
  if (t < 60_000) return `${(t / 1000).toFixed(1)}s`;
  const s = Math.floor(t / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, "0")}h`;
}

/** How a user names an operation: its name, or what it is for the unnamed parts of a composite. */
export function labelOf(op: TimelineOperation, parent?: TimelineOperation): string {
  if (op.Name) return op.Name;
  if (op.Type === "CALLBACK") return "(callback)";
  if (op.Type === "STEP" && parent?.SubType === "WaitForCallback") return "(submitter)";
  return `(${(op.SubType ?? op.Type).toLowerCase()})`;
}

function kindOf(op: TimelineOperation): string {
  return op.SubType && op.SubType.toUpperCase() !== op.Type ? `${op.Type.toLowerCase()}:${op.SubType}` : op.Type.toLowerCase();
}

/** Operations without the EXECUTION one, each after its parent, siblings in the order given. */
export function treeOrder(operations: readonly TimelineOperation[]): Array<{ op: TimelineOperation; depth: number }> {
  const shown = operations.filter((op) => op.Type !== "EXECUTION");
  const ids = new Set(shown.map((op) => op.Id));
  const children = new Map<string | undefined, TimelineOperation[]>();
  for (const op of shown) {
    const parent = op.ParentId !== undefined && ids.has(op.ParentId) ? op.ParentId : undefined;
    const list = children.get(parent);
    if (list) list.push(op);
    else children.set(parent, [op]);
  }
  const out: Array<{ op: TimelineOperation; depth: number }> = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const op of children.get(parent) ?? []) {
      out.push({ op, depth });
      visit(op.Id, depth + 1);
    }
  };
  visit(undefined, 0);
  return out;
}

export function durationOf(op: TimelineOperation, now: number): string {
  if (op.StartTimestamp === undefined) return "";
  if (ENDED.has(op.Status)) return op.EndTimestamp === undefined ? "" : formatDuration(op.EndTimestamp - op.StartTimestamp);
  return `${formatDuration(now - op.StartTimestamp)}…`;
}

function payloadOf(op: TimelineOperation): { result?: string; error?: { ErrorType?: string; ErrorMessage?: string } } {
  const d = op.StepDetails ?? op.CallbackDetails ?? op.ContextDetails ?? op.ChainedInvokeDetails;
  return { ...(d?.Result !== undefined ? { result: d.Result } : {}), ...(d?.Error !== undefined ? { error: d.Error } : {}) };
}

/** A payload cut to `max` characters, on one line. */
export function preview(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** One line per operation, the tree indented by two spaces a level. */
export function renderTree(operations: readonly TimelineOperation[], options: RenderOptions): string[] {
  const rows = treeOrder(operations);
  const byId = new Map(operations.map((op) => [op.Id, op]));
  const label = (op: TimelineOperation) => labelOf(op, op.ParentId === undefined ? undefined : byId.get(op.ParentId));
  const width = Math.min(44, Math.max(24, ...rows.map(({ op, depth }) => depth * 2 + label(op).length + 1)));
  return rows.map(({ op, depth }) => {
    const attempt = op.StepDetails?.Attempt;
    const retried = attempt !== undefined && (attempt > 1 || op.Status === "PENDING" || op.Status === "READY") ? ` attempt ${attempt + (ENDED.has(op.Status) ? 0 : 1)}` : "";
    let line = `${`${"  ".repeat(depth)}${label(op)}`.padEnd(width)} ${kindOf(op).padEnd(24)} ${op.Status.padEnd(10)} ${durationOf(op, options.now).padEnd(9)}${retried}`.trimEnd();
    const max = options.preview ?? 0;
    if (max > 0 && ENDED.has(op.Status)) {
      const { result, error } = payloadOf(op);
      if (error) line += `  ! ${preview(`${error.ErrorType ?? "Error"}: ${error.ErrorMessage ?? ""}`, max)}`;
      else if (result !== undefined) line += `  = ${preview(result, max)}`;
    }
    return line;
  });
}

/**
 * What a suspended execution waits for, one line each (a callback gets a second line: the command
 * that answers it). Empty when it waits for nothing.
 */
export function renderWaiting(operations: readonly TimelineOperation[], now: number): string[] {
  const lines: string[] = [];
  for (const { op } of treeOrder(operations)) {
    if (op.Type === "WAIT" && op.Status === "STARTED") {
      const end = op.WaitDetails?.ScheduledEndTimestamp;
      lines.push(`waiting: ${labelOf(op)} (wait)${end === undefined ? "" : `, ${formatDuration(end - now)} left`}`);
    } else if (op.Type === "STEP" && op.Status === "PENDING") {
      const next = op.StepDetails?.NextAttemptTimestamp;
      const error = op.StepDetails?.Error;
      lines.push(
        `waiting: ${labelOf(op)} retries${next === undefined ? "" : ` in ${formatDuration(next - now)}`} (attempt ${(op.StepDetails?.Attempt ?? 0) + 1})${error ? `, last error ${preview(`${error.ErrorType ?? "Error"}: ${error.ErrorMessage ?? ""}`, 80)}` : ""}`,
      );
    } else if (op.Type === "CALLBACK" && op.Status === "STARTED" && op.CallbackDetails?.CallbackId) {
      const parent = op.ParentId === undefined ? undefined : operations.find((o) => o.Id === op.ParentId);
      const name = op.Name ?? (parent?.SubType === "WaitForCallback" ? parent.Name : undefined) ?? "(callback)";
      lines.push(`waiting: callback ${name}, id ${op.CallbackDetails.CallbackId}`);
      lines.push(`  answer it: ${callbackCommand(op.CallbackDetails.CallbackId)}`);
    } else if (op.Type === "CHAINED_INVOKE" && op.Status === "STARTED") {
      lines.push(`waiting: ${labelOf(op)} (chained invoke)`);
    }
  }
  return lines;
}

/** The exact command line that answers a callback (the id is quoted for a POSIX shell). */
export function callbackCommand(callbackId: string): string {
  return `use-durable callback succeed '${callbackId.replace(/'/g, "'\\''")}' '<json>'`;
}
