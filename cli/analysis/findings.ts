/**
 * The type-aware findings (UD401-UD405): codes, severities, fixes, and how one is made from a node.
 * Findings have the compiler's Diagnostic shape, so they print the same way (formatDiagnostic). Owns
 * no analysis.
 */
import type { Diagnostic } from "../../compiler/index.ts";
import { codeFrame, lineColumn } from "../../compiler/index.ts";
import type { TS } from "./ts-types.ts";

export const FINDING_FIXES = {
  UD401: "Pass and return plain JSON data (strings, numbers, booleans, null, arrays, plain objects), or give the step a serdes that carries this type: configureStep(fn, { serdes }).",
  UD402: "Draw the value inside a step: `const v = await step(async () => helper())`, or pass it in as an argument.",
  UD403: 'Mark the callee "use step" (or wrap the call in `step(async () => ...)`): as a plain call it runs again on every replay.',
  UD404: "Return the value from the step and assign it in the durable body: `v = await step(async () => ...)`.",
  UD405: "Call a step or durable function on every path: give each alternative the directive, or call the plain one inside `step(...)`.",
} as const;

export type FindingCode = keyof typeof FINDING_FIXES;

/** Errors lose or corrupt data; warnings re-run work on replay (errors with strict). */
const SEVERITY: Record<FindingCode, "error" | "warning"> = { UD401: "error", UD402: "warning", UD403: "warning", UD404: "error", UD405: "error" };

export interface Finding extends Diagnostic {
  code: FindingCode;
  /** For UD401: where in the value the type is, e.g. `result.items[0].createdAt: Date`. */
  path?: string;
}

export interface FindingSink {
  report(code: FindingCode, message: string, node: TS.Node, path?: string): void;
  readonly list: Finding[];
}

export function findingSink(sf: TS.SourceFile, file: string, strict: boolean): FindingSink {
  const list: Finding[] = [];
  const seen = new Set<string>();
  return {
    list,
    report(code, message, node, path) {
      const start = node.getStart(sf);
      const key = `${code}:${start}:${path ?? message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const { line, column } = lineColumn(sf.text, start);
      const severity = strict ? "error" : SEVERITY[code];
      list.push({ code, severity, message, file, line, column, frame: codeFrame(sf.text, start, node.end), fix: FINDING_FIXES[code], ...(path !== undefined && { path }) });
    },
  };
}
