/**
 * Shows an execution's timeline as it grows, on a stream. On a TTY: one region at the bottom of the
 * terminal, redrawn in place (cursor up, erase down) with the whole tree and the waiting lines, their
 * time left ticking. Elsewhere (CI, a pipe, a file): plain lines, no escape codes, each operation
 * printed when its status changes and each waiting line once. Owns no clock and no engine: the
 * caller pushes operations and ticks.
 */
import { renderTree, renderWaiting, treeOrder, type TimelineOperation } from "./render.ts";

export interface TimelineStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LiveTimeline {
  update(operations: readonly TimelineOperation[], now: number): void;
  /** Draws the region one last time, without the waiting lines, and leaves it in place. */
  finish(operations: readonly TimelineOperation[], now: number): void;
}

/** `tree: false` prints only what it waits for (run --json: the callback command on stderr). */
export function liveTimeline(stream: TimelineStream, tty = stream.isTTY === true, tree = true): LiveTimeline {
  return tty ? new Region(stream) : new PlainLines(stream, tree);
}

class Region implements LiveTimeline {
  private drawn = 0;
  private readonly stream: TimelineStream;
  constructor(stream: TimelineStream) {
    this.stream = stream;
  }

  update(operations: readonly TimelineOperation[], now: number): void {
    this.draw([...renderTree(operations, { now }), ...renderWaiting(operations, now)]);
  }

  finish(operations: readonly TimelineOperation[], now: number): void {
    this.draw(renderTree(operations, { now }));
    this.drawn = 0;
  }

  private draw(lines: string[]): void {
    const width = this.stream.columns ?? 0;
    // A line wider than the terminal wraps and would leave a row behind on the next redraw.
    const fitted = width > 1 ? lines.map((line) => (line.length >= width ? `${line.slice(0, width - 2)}…` : line)) : lines;
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    this.stream.write(`${up}\x1b[J${fitted.map((line) => `${line}\n`).join("")}`);
    this.drawn = fitted.length;
  }
}

class PlainLines implements LiveTimeline {
  private readonly seen = new Map<string, string>();
  private waiting = new Set<string>();
  private readonly stream: TimelineStream;
  private readonly tree: boolean;
  constructor(stream: TimelineStream, tree: boolean) {
    this.stream = stream;
    this.tree = tree;
  }

  update(operations: readonly TimelineOperation[], now: number): void {
    if (this.tree) this.printChanged(operations, now);
    // Time left changes every tick: a waiting line is printed once per thing waited for.
    const waiting = renderWaiting(operations, now);
    const keys = new Set<string>();
    for (const line of waiting) {
      const key = line.replace(/\d/g, "#");
      keys.add(key);
      if (!this.waiting.has(key)) this.stream.write(`${line}\n`);
    }
    this.waiting = keys;
  }

  finish(operations: readonly TimelineOperation[], now: number): void {
    if (this.tree) this.printChanged(operations, now);
  }

  private printChanged(operations: readonly TimelineOperation[], now: number): void {
    const lines = renderTree(operations, { now });
    treeOrder(operations).forEach(({ op }, i) => {
      const state = `${op.Status}:${op.StepDetails?.Attempt ?? 0}`;
      if (this.seen.get(op.Id) === state) return;
      this.seen.set(op.Id, state);
      // A running operation's elapsed time would be stale the moment it is printed.
      const line = lines[i];
      if (line !== undefined) this.stream.write(`${line.replace(/ \S+…/, "").trimEnd()}\n`);
    });
  }
}
