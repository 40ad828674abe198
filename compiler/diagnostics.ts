/**
 * Compiler diagnostics: the code table (message templates and fixes), code frames, and printing.
 * UD1xx are errors; UD2xx are replay hazards, warnings unless `strict`. A note says what the
 * compiler did about a construct that would be a hazard in plain code (it never fails a build,
 * even with `strict`, and bundlers are not shown it; the manifest keeps it).
 */

export interface Diagnostic {
  code: string;
  severity: "error" | "warning" | "note";
  message: string;
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  frame: string;
  fix?: string;
}

export const DIAGNOSTIC_FIXES = {
  UD100: "Fix the syntax error; the file was left unchanged.",
  UD101: 'Write "use durable" (or "use step") exactly, in lower case, as the first statement of the function body.',
  UD102: "Add `async` before the function: durable and step functions are async.",
  UD103: "Move the directive to the first line of the function body.",
  UD104: "Keep one directive: a durable function orchestrates, a step does the work.",
  UD105: "Use a plain async function: generators cannot be durable or steps.",
  UD106: "Call it from the durable function instead, or make this function durable.",
  UD107: "Give the class a name and use a public (non-#private) method.",
  UD108: 'Write the change id as a literal: `if (patched("fraud-check")) { ... }`.',
  UD190: "This is a bug in the compiler: report it with the file that triggers it.",
  UD201: "Nothing to do. For this run's wall clock instead, read it in a step: `await step(async () => Date.now())`.",
  UD202: "Nothing to do. For this run's wall clock instead, read it in a step: `await step(async () => new Date())`.",
  UD203: "Nothing to do. For fresh randomness instead, draw it in a step: `await step(async () => Math.random())`.",
  UD204: "Draw the value inside a step: `const bytes = await step(async () => randomBytes(16))` (randomUUID and getRandomValues need nothing).",
  UD205: "Nothing to do. To time this run's work instead, measure inside a step.",
  UD206: "Use `await sleep({ seconds: n })` from \"use-durable\": timers do not survive a suspension.",
  UD207: 'Mark the callee "use step" (a package that already does is compiled unless the plugin\'s `exclude` drops it), wrap the call in `step(async () => ...)`, or list its module in the `steps` option.',
  UD208: "Use `for (const x of xs) await ...` or `await Promise.all(xs.map(async (x) => ...))`.",
  UD209: "Return the value from the step and assign it outside: `v = await step(async () => ...)`.",
  UD210: "Add `await` (or collect the promises and `await Promise.all([...])`).",
  UD211: "Nothing to do; to name it from the source instead, call it in the durable body: `(x) => f(x)`.",
  UD212: "Return the changed value from the step and use its result: `order = await applyDiscount(order)`.",
  UD213: "Do the I/O in a step (`await step(async () => readFile(path, \"utf8\"))`), so it runs once and its result is recorded.",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_FIXES;

export function isHazard(code: DiagnosticCode): boolean {
  return code.startsWith("UD2");
}

/** Offsets -> 1-based line/column, by binary search over the line starts (built once per file). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(code: string) {
    for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** A 1-based line/column pair for an offset (one-off; use LineIndex for many). */
export function lineColumn(code: string, offset: number): { line: number; column: number } {
  return new LineIndex(code).at(offset);
}

/** Two lines of context before the span's line, a `>` marker and carets under the span. */
export function codeFrame(code: string, start: number, end: number): string {
  const lines = code.split("\n");
  const { line, column } = lineColumn(code, start);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? "").replace(/\r$/, "");
    const gutter = String(n).padStart(width);
    out.push(`${n === line ? ">" : " "} ${gutter} | ${text}`.trimEnd());
    if (n === line) {
      const spanEnd = Math.min(end - start, Math.max(1, text.length - column + 1));
      const pad = text.slice(0, column - 1).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${pad}${"^".repeat(Math.max(1, spanEnd))}`);
    }
  }
  return out.join("\n");
}

/** `file:line:col CODE severity: message`, the frame, and `fix: ...`. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column} ${d.code} ${d.severity}: ${d.message}`;
  return [head, d.frame, ...(d.fix ? [`fix: ${d.fix}`] : [])].join("\n");
}

/** Collects diagnostics for one file; positions are offsets into the original code. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];

  private readonly code: string;
  private readonly file: string;
  private readonly strict: boolean;
  private lines: LineIndex | undefined;

  constructor(code: string, file: string, strict: boolean) {
    this.code = code;
    this.file = file;
    this.strict = strict;
  }

  report(code: DiagnosticCode, message: string, start: number, end: number, note = false): void {
    this.lines ??= new LineIndex(this.code);
    const { line, column } = this.lines.at(start);
    const severity = note ? "note" : isHazard(code) && !this.strict ? "warning" : "error";
    const frame = codeFrame(this.code, start, end);
    this.list.push({ code, severity, message, file: this.file, line, column, frame, fix: DIAGNOSTIC_FIXES[code] });
  }

  hasErrors(): boolean {
    return this.list.some((d) => d.severity === "error");
  }
}
