/**
 * The source map of a compiled file: a character-exact ("hires") v3 map of the spliced text back to
 * the original, written straight into its "mappings" string while the output is assembled.
 * Owns the VLQ encoding and the map object the bundlers receive; never reads the AST.
 *
 * Segments follow magic-string's `hires: true` maps byte for byte (test/compiler-splice.test.ts checks
 * it): one segment per original character that is kept, one at the start of every replacement (and
 * before each line break inside it), none for inserted text.
 *
 * The "tokens" granularity keeps only the segments of kept characters that can start a token (any
 * character but whitespace, except a word character after another) and of each kept run's first
 * character: exact at every token, about a third of the size. It is what a bundler that composes maps
 * reads cheaply (esbuild decodes every segment of every input map).
 */

const BASE64 = new TextEncoder().encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const COMMA = 44;
const SEMICOLON = 59;
// A kept character right after another on the same line: generated column +1, same source, same
// line, original column +1. Almost every segment of a hires map is this one.
const NEXT_CHAR = new TextEncoder().encode(",CAAC");

// The bytes of the mappings being written, reused by every map (a writer runs start to finish
// synchronously, and finish() copies the bytes out): a fresh ArrayBuffer per map cost more than the map.
let scratch = new Uint8Array(1 << 16);

/**
 * Builds "mappings" in output order, as ASCII bytes in one growing buffer (a string per segment would
 * be most of the garbage a compile makes). All columns are 0-based; there is one source (index 0).
 */
export type MapGranularity = "chars" | "tokens";

// Word characters (ASCII letters, digits, _, $ and anything non-ASCII): only the first of a run starts a token.
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

export class MappingsWriter {
  private readonly tokens: boolean;
  private buf: Uint8Array;
  private pos = 0;
  /** Generated column of the next output character. */
  private column = 0;
  private lineHasSegment = false;
  private prevColumn = 0;
  private prevLine = 0;
  private prevSourceColumn = 0;

  /** `sizeHint`: the length of the original text (a hires map takes about five bytes per character). */
  constructor(sizeHint = 0, granularity: MapGranularity = "chars") {
    this.tokens = granularity === "tokens";
    if (scratch.length < sizeHint * 5 + 64) scratch = new Uint8Array(sizeHint * 5 + 64);
    this.buf = scratch;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = scratch = grown;
  }

  private vlq(value: number): void {
    let n = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = n & 31;
      n >>>= 5;
      if (n > 0) digit |= 32;
      this.buf[this.pos++] = BASE64[digit]!;
    } while (n > 0);
  }

  private segment(line: number, sourceColumn: number): void {
    // At most a comma and four VLQs of 7 digits each.
    this.reserve(32);
    if (this.lineHasSegment) this.buf[this.pos++] = COMMA;
    this.vlq(this.column - this.prevColumn);
    this.buf[this.pos++] = BASE64[0]!; // source index delta: always 0 ("A")
    this.vlq(line - this.prevLine);
    this.vlq(sourceColumn - this.prevSourceColumn);
    this.lineHasSegment = true;
    this.prevColumn = this.column;
    this.prevLine = line;
    this.prevSourceColumn = sourceColumn;
  }

  private newLine(): void {
    this.reserve(1);
    this.buf[this.pos++] = SEMICOLON;
    this.column = 0;
    this.prevColumn = 0;
    this.lineHasSegment = false;
  }

  /** `count` segments of NEXT_CHAR: one written, then doubled in place (no allocation). */
  private nextChars(count: number): void {
    const bytes = count * NEXT_CHAR.length;
    this.reserve(bytes);
    const buf = this.buf;
    const start = this.pos;
    buf.set(NEXT_CHAR, start);
    for (let done = NEXT_CHAR.length; done < bytes; done *= 2) buf.copyWithin(start + done, start, start + Math.min(done, bytes - done));
    this.pos = start + bytes;
  }

  /** Original text `code[start, end)` kept as is; it starts at (line, column) of the original. */
  kept(code: string, start: number, end: number, line: number, column: number): void {
    let i = start;
    while (i < end) {
      let stop = code.indexOf("\n", i);
      if (stop === -1 || stop > end) stop = end;
      const n = stop - i;
      if (n > 0 && this.tokens) this.keptTokens(code, i, stop, line, column);
      else if (n > 0) {
        this.segment(line, column);
        if (n > 1) this.nextChars(n - 1);
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

  /** One line's kept run `code[start, stop)` in "tokens" granularity: its first character and each token start. */
  private keptTokens(code: string, start: number, stop: number, line: number, column: number): void {
    const generated = this.column;
    this.segment(line, column);
    let previous = code.charCodeAt(start);
    for (let i = start + 1; i < stop; i++) {
      const c = code.charCodeAt(i);
      if (!isSpaceCode(c) && !(isWordCode(c) && isWordCode(previous))) {
        this.column = generated + (i - start);
        this.segment(line, column + (i - start));
      }
      previous = c;
    }
    this.column = generated + (stop - start);
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
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos).toString("latin1");
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
  #url: string | undefined;

  /** `file` is the compiled file's path: the map names it (and its one source) by its base name. */
  constructor(file: string, content: string, mappings: string) {
    const base = file.split(/[/\\]/).pop() ?? "";
    this.file = file ? base : undefined;
    this.sources = [file ? base : ""];
    this.sourcesContent = [content];
    this.mappings = mappings;
  }

  /** JSON.stringify(map), written out: only the file names and the content need escaping (4x faster). */
  toString(): string {
    const file = this.file === undefined ? "" : `"file":${JSON.stringify(this.file)},`;
    return `{"version":3,${file}"sources":${JSON.stringify(this.sources)},"sourcesContent":${JSON.stringify(this.sourcesContent)},"names":[],"mappings":"${this.mappings}"}`;
  }

  /** The map as a data: URL; computed once (a watch-mode plugin hands the same map on every rebuild). */
  toUrl(): string {
    this.#url ??= `data:application/json;charset=utf-8;base64,${Buffer.from(this.toString(), "utf8").toString("base64")}`;
    return this.#url;
  }
}
