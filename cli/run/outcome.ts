/**
 * The end of `run`: the final status, the result (pretty JSON) or the error with where it was thrown
 * (the failed operation's call site from the build's manifest, and the error's own stack), the
 * `--json` document, and the exit code (0 only for SUCCEEDED). Pure.
 */
import type { Manifest } from "../../compiler/index.ts";
import { labelOf, type TimelineOperation } from "../timeline/render.ts";
import { siteOf } from "./compile.ts";

export interface FinalExecution {
  arn: string;
  status: string;
  result?: string;
  error?: { ErrorType?: string; ErrorMessage?: string; StackTrace?: string[] };
  operations: readonly TimelineOperation[];
  history: readonly unknown[];
}

export function exitCodeOf(status: string): number {
  return status === "SUCCEEDED" ? 0 : 1;
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The operation the error came from: the last failed one that is not a container of another failed one. */
export function failedOperation(operations: readonly TimelineOperation[]): TimelineOperation | undefined {
  const failed = operations.filter((op) => op.Type !== "EXECUTION" && (op.Status === "FAILED" || op.Status === "TIMED_OUT"));
  const parents = new Set(failed.map((op) => op.ParentId));
  return failed.filter((op) => !parents.has(op.Id)).at(-1);
}

export function outcomeLines(final: FinalExecution, modules: readonly Manifest[]): string[] {
  const lines = [`${final.status}  ${final.arn}`];
  if (final.status === "SUCCEEDED") {
    lines.push(`result: ${JSON.stringify(parsed(final.result), null, 2) ?? "null"}`);
    return lines;
  }
  const error = final.error ?? {};
  lines.push(`error: ${error.ErrorType ?? "Error"}: ${error.ErrorMessage ?? "(no message)"}`);
  const op = failedOperation(final.operations);
  const site = siteOf(modules, op?.Name);
  if (op) lines.push(`  in ${op.Type.toLowerCase()} ${labelOf(op)}${site ? ` at ${site}` : ""}`);
  for (const frame of error.StackTrace ?? []) lines.push(`    ${frame.trim().startsWith("at ") ? frame.trim() : `at ${frame.trim()}`}`);
  return lines;
}

export function outcomeJson(final: FinalExecution): string {
  return JSON.stringify({
    status: final.status,
    result: final.status === "SUCCEEDED" ? parsed(final.result) : null,
    error: final.status === "SUCCEEDED" ? null : (final.error ?? null),
    arn: final.arn,
    history: final.history,
  });
}
