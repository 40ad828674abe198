/**
 * The source map of a compiled file: a character-exact ("hires") v3 map of the spliced text back to
 * the original, written straight into its "mappings" string while the output is assembled.
 * Owns the VLQ encoding and the map object the bundlers receive; never reads the AST.
 *
 * Segments follow magic-string's `hires: true` maps byte for byte (test/compiler-splice.test.ts checks
 * it): one segment per original character that is kept, one at the start of every replacement (and
 * before each line break inside it), none for inserted text.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function vlq(value: number): string {
  let n = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = "";
  do {
    let digit = n & 31;
    n >>>= 5;
    if (n > 0) digit |= 32;
    out += BASE64[digit];
  } while (n > 0);
  return out;
}

// A kept character right after another on the same line: generated column +1, same source, same
// line, original column +1. Almost every segment of a hires map is this one.
const NEXT_CHAR = ",CAAC";

/** Builds "mappings" in output order. All columns are 0-based; there is one source (index 0). */
export class MappingsWriter {
  private out = "";
  /** Generated column of the next output character. */
  private column = 0;
  private lineHasSegment = false;
  private prevColumn = 0;
  private prevLine = 0;
  private prevSourceColumn = 0;

  private segment(line: number, sourceColumn: number): void {
    if (this.lineHasSegment) this.out += ",";
    this.out += vlq(this.column - this.prevColumn) + "A" + vlq(line - this.prevLine) + vlq(sourceColumn - this.prevSourceColumn);
    this.lineHasSegment = true;
    this.prevColumn = this.column;
    this.prevLine = line;
    this.prevSourceColumn = sourceColumn;
  }

  private newLine(): void {
    this.out += ";";
    this.column = 0;
    this.prevColumn = 0;
    this.lineHasSegment = false;
  }

  /** Original text `code[start, end)` kept as is; it starts at (line, column) of the original. */
  kept(code: string, start: number, end: number, line: number, column: number): void {
    let i = start;
    while (i < end) {
      let stop = code.indexOf("\n", i);
      if (stop === -1 || stop > end) stop = end;
      const n = stop - i;
      if (n > 0) {
        this.segment(line, column);
        if (n > 1) this.out += NEXT_CHAR.repeat(n - 1);
        this.column += n;
        this.prevColumn = this.column - 1;
        this.prevSourceColumn = column + n - 1;
      }
      if (stop === end) return;
      this.newLine();
      line++;
      column = 0;
      i = stop + 1;
    }
  }

  /** Text that replaces original text starting at (line, column): mapped at its start and before each line break. */
  replaced(text: string, line: number, column: number): void {
    if (text.length === 0) return;
    let previousEnd = -1;
    for (let nl = text.indexOf("\n"); nl >= 0 && nl < text.length - 1; nl = text.indexOf("\n", nl + 1)) {
      this.segment(line, column);
      this.newLine();
      previousEnd = nl;
    }
    this.segment(line, column);
    this.inserted(previousEnd === -1 ? text : text.slice(previousEnd + 1));
  }

  /** Inserted text: moves the generated position, maps nothing. */
  inserted(text: string): void {
    let last = -1;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
      this.newLine();
      last = nl;
    }
    this.column += text.length - last - 1;
  }

  finish(): string {
    return this.out;
  }
}

/** A v3 source map with one source, in the shape (and field order) bundlers and magic-string use. */
export class SourceMap {
  readonly version = 3;
  readonly file: string | undefined;
  readonly sources: string[];
  readonly sourcesContent: string[];
  readonly names: string[] = [];
  readonly mappings: string;

  /** `file` is the compiled file's path: the map names it (and its one source) by its base name. */
  constructor(file: string, content: string, mappings: string) {
    const base = file.split(/[/\\]/).pop() ?? "";
    this.file = file ? base : undefined;
    this.sources = [file ? base : ""];
    this.sourcesContent = [content];
    this.mappings = mappings;
  }

  toString(): string {
    return JSON.stringify(this);
  }

  toUrl(): string {
    return `data:application/json;charset=utf-8;base64,${Buffer.from(this.toString(), "utf8").toString("base64")}`;
  }
}
