/**
 * The edits of one file, recorded by the passes and applied once: insertions before a position,
 * replacements and removals of ranges of the original text. Assembles the output text and its
 * character-exact source map in one pass over the original, so nothing is reprinted and nothing is
 * computed per character except the map's (cheap, repeated) segments.
 *
 * The operations mean what magic-string's do (`appendLeft`, `prependLeft`, `update`, `remove`), for the
 * ways the compiler uses them; test/compiler-splice.test.ts checks text and map against magic-string.
 * Ranges of `update` / `remove` must not partly overlap (a compiler bug: it throws); the same range
 * edited twice keeps the last edit.
 */
import { MappingsWriter, SourceMap, type MapGranularity } from "./source-map.ts";

interface RangeEdit {
  start: number;
  end: number;
  content: string;
}

export class Splice {
  readonly original: string;
  /** Text inserted before each position (magic-string's outro of the chunk ending there). */
  private readonly before = new Map<number, string>();
  private readonly edits: RangeEdit[] = [];
  private sorted = true;

  constructor(original: string) {
    this.original = original;
  }

  private check(index: number): void {
    if (!(index >= 0 && index <= this.original.length)) throw new RangeError(`edit position ${index} is outside the file (0-${this.original.length})`);
  }

  /** Inserts `text` before `index`, after anything inserted there earlier. */
  appendLeft(index: number, text: string): this {
    this.check(index);
    const had = this.before.get(index);
    this.before.set(index, had === undefined ? text : had + text);
    return this;
  }

  /** Inserts `text` before `index`, ahead of anything inserted there earlier. */
  prependLeft(index: number, text: string): this {
    this.check(index);
    const had = this.before.get(index);
    this.before.set(index, had === undefined ? text : text + had);
    return this;
  }

  /** Replaces `original[start, end)` with `text`; insertions inside the range (and at its end) stay, after `text`. */
  update(start: number, end: number, text: string): this {
    this.check(start);
    this.check(end);
    if (start >= end) throw new RangeError(`cannot replace the empty or reversed range ${start}-${end}`);
    this.addEdit(start, end, text);
    return this;
  }

  /** Removes `original[start, end)` and what was inserted strictly inside it so far. */
  remove(start: number, end: number): this {
    this.check(start);
    this.check(end);
    if (start === end) return this;
    if (start > end) throw new RangeError(`cannot remove the reversed range ${start}-${end}`);
    // Rare (a few per file), so a scan of the insertions is cheaper than keeping them ordered.
    for (const at of this.before.keys()) if (at > start && at < end) this.before.delete(at);
    this.addEdit(start, end, "");
    return this;
  }

  private addEdit(start: number, end: number, content: string): void {
    const last = this.edits[this.edits.length - 1];
    if (last && start < last.start) this.sorted = false;
    this.edits.push({ start, end, content });
  }

  /** The edits in order of position; the later of two edits of the same range wins. */
  private orderedEdits(): RangeEdit[] {
    const list = this.sorted ? this.edits : this.edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i).map((x) => x.e);
    const out: RangeEdit[] = [];
    for (const e of list) {
      const prev = out[out.length - 1];
      if (prev && prev.start === e.start && prev.end === e.end) out[out.length - 1] = e;
      else if (prev && e.start < prev.end) throw new Error(`overlapping edits ${prev.start}-${prev.end} and ${e.start}-${e.end}`);
      else out.push(e);
    }
    return out;
  }

  private positions(): number[] {
    return [...this.before.keys()].sort((a, b) => a - b);
  }

  /** The edited text; with `map`, also its mappings. */
  private assemble(map: MappingsWriter | undefined): string {
    const code = this.original;
    const edits = this.orderedEdits();
    const at = this.positions();
    const before = this.before;
    let out = "";
    let pos = 0; // next original offset to copy
    let line = 0; // original line and line start of `pos`, for the map
    let lineStart = 0;
    let k = 0; // next insertion position
    // Copies original text up to `to`, moving the line cursor.
    const copy = (to: number): void => {
      if (to <= pos) return;
      out += code.slice(pos, to);
      map?.kept(code, pos, to, line, pos - lineStart);
      skip(to);
    };
    const skip = (to: number): void => {
      for (let nl = code.indexOf("\n", pos); nl !== -1 && nl < to; nl = code.indexOf("\n", nl + 1)) {
        line++;
        lineStart = nl + 1;
      }
      pos = to;
    };
    const insert = (text: string): void => {
      out += text;
      map?.inserted(text);
    };
    for (let e = 0; e <= edits.length; e++) {
      const edit = edits[e];
      const stop = edit ? edit.start : code.length;
      for (; k < at.length && at[k]! <= stop; k++) {
        copy(at[k]!);
        insert(before.get(at[k]!)!);
      }
      copy(stop);
      if (!edit) break;
      out += edit.content;
      map?.replaced(edit.content, line, pos - lineStart);
      for (; k < at.length && at[k]! <= edit.end; k++) insert(before.get(at[k]!)!);
      skip(edit.end);
    }
    return out;
  }

  toString(): string {
    return this.assemble(undefined);
  }

  /** The text and its source map for `file` (the original is included as the source's content). */
  withMap(file: string, granularity: MapGranularity = "chars"): { code: string; map: SourceMap } {
    const writer = new MappingsWriter(this.original.length, granularity);
    const code = this.assemble(writer);
    return { code, map: new SourceMap(file, this.original, writer.finish()) };
  }
}
