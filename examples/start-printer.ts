// Prints durable operations as `npm start` sees them go by: one line per status change, indented under
// the operation that contains it, and once finished how long it took. A wait's duration is the one it
// was scheduled for: the engine skips the time, so no clock would show it.

export interface OperationState {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: string;
  SubType?: string;
  Status: string;
  StartTimestamp?: Date | string | number;
  EndTimestamp?: Date | string | number;
  WaitDetails?: { ScheduledEndTimestamp?: Date | string | number };
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED"]);

export class OperationPrinter {
  readonly #write: (line: string) => void;
  readonly #known = new Map<string, OperationState>();
  readonly #printed = new Set<string>();
  #invocations = 0;

  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  header(): void {
    this.#write(`  ${"operation".padEnd(34)}${"type".padEnd(10)}${"status".padEnd(11)}duration`);
  }

  note(text: string): void {
    this.#write(`  ${text}`);
  }

  invocation(operations: readonly OperationState[]): void {
    this.#invocations++;
    this.note(`-- invocation ${this.#invocations} --`);
    this.observe(operations);
  }

  observe(operations: readonly OperationState[]): void {
    for (const op of operations) {
      this.#known.set(op.Id, { ...this.#known.get(op.Id), ...op });
      if (op.Type === "EXECUTION") continue;
      const key = `${op.Id}:${op.Status}`;
      if (this.#printed.has(key)) continue;
      this.#printed.add(key);
      this.#print(this.#known.get(op.Id) as OperationState);
    }
  }

  #print(op: OperationState): void {
    const start = time(op.StartTimestamp);
    const scheduledEnd = time(op.WaitDetails?.ScheduledEndTimestamp);
    const end = time(op.EndTimestamp) ?? scheduledEnd;
    let took = TERMINAL.has(op.Status) && start !== undefined && end !== undefined ? duration(end - start) : "";
    if (op.Type === "WAIT" && start !== undefined && scheduledEnd !== undefined) {
      took = `${duration(scheduledEnd - start)}${TERMINAL.has(op.Status) ? " (skipped)" : " scheduled"}`;
    }
    const label = `${"  ".repeat(this.#depth(op))}${this.#label(op)}`;
    this.#write(`  ${label.padEnd(34)}${op.Type.padEnd(10)}${op.Status.padEnd(11)}${took}`.trimEnd());
  }

  // Unnamed operations are the parts of a composite (waitForCallback's callback and submitter).
  #label(op: OperationState): string {
    if (op.Name) return op.Name;
    if (op.Type === "CALLBACK") return "(callback)";
    if (op.Type === "STEP") return "(submitter)";
    return `(${(op.SubType ?? op.Type).toLowerCase()})`;
  }

  #depth(op: OperationState): number {
    let depth = 0;
    for (let parent = op.ParentId; parent !== undefined; parent = this.#known.get(parent)?.ParentId) depth++;
    return depth;
  }
}

function time(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 3600), "h"], [Math.floor((s % 3600) / 60), "m"], [s % 60, "s"]] as const;
  return parts.filter(([n], i) => n > 0 || (i === 2 && s < 60)).map(([n, u]) => `${n}${u}`).join(" ");
}
