/**
 * compiler/splice.ts against magic-string, the library whose semantics it keeps (fast-check): random
 * texts with random insertions, replacements and removals give the same output text and the same
 * hires source map, byte for byte. Sequences magic-string itself rejects are skipped.
 */
import fc from "fast-check";
import MagicString from "magic-string";
import { describe, expect, it } from "vitest";
import { Splice } from "../compiler/splice.ts";

type Op =
  | { kind: "appendLeft" | "prependLeft"; at: number; text: string }
  | { kind: "update"; start: number; end: number; text: string }
  | { kind: "remove"; start: number; end: number };

const text = fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "é", "\r", "(", ")"), maxLength: 40 });
const inserted = fc.string({ unit: fc.constantFrom("x", "y", "\n", " "), maxLength: 6 });

function opsFor(length: number): fc.Arbitrary<Op[]> {
  const pos = fc.integer({ min: 0, max: length });
  const insert = fc.record({ kind: fc.constantFrom("appendLeft" as const, "prependLeft" as const), at: pos, text: inserted });
  if (length === 0) return fc.array(insert, { maxLength: 6 });
  const range = fc.integer({ min: 0, max: length - 1 }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: start + 1, max: length })));
  const op: fc.Arbitrary<Op> = fc.oneof(
    insert,
    fc.tuple(range, inserted).map(([[start, end], text]) => ({ kind: "update" as const, start, end, text })),
    range.map(([start, end]) => ({ kind: "remove" as const, start, end })),
  );
  // The compiler never edits ranges that partly overlap (Splice throws on them): keep them apart or equal.
  return fc.array(op, { maxLength: 12 }).map((ops) => {
    const ranges: Array<[number, number]> = [];
    return ops.filter((o) => {
      if ("at" in o) return true;
      const clash = ranges.some(([s, e]) => !(s === o.start && e === o.end) && o.start < e && s < o.end);
      if (!clash) ranges.push([o.start, o.end]);
      return !clash;
    });
  });
}

/** Per generated line: [generated column, original line, original column] of each segment. */
function decode(mappings: string): Array<Array<[number, number, number]>> {
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let line = 0;
  let col = 0;
  return mappings.split(";").map((text) => {
    let gen = 0;
    return text ? text.split(",").map((seg) => {
      const values: number[] = [];
      for (let i = 0, v = 0, shift = 0; i < seg.length; i++) {
        const d = B64.indexOf(seg[i]!);
        v |= (d & 31) << shift;
        shift += 5;
        if (!(d & 32)) (values.push(v & 1 ? -(v >>> 1) : v >>> 1), (v = 0), (shift = 0));
      }
      gen += values[0]!;
      line += values[2]!;
      col += values[3]!;
      return [gen, line, col] as [number, number, number];
    }) : [];
  });
}

function apply(target: MagicString | Splice, ops: Op[]): void {
  for (const o of ops) {
    if ("at" in o && o.kind === "appendLeft") target.appendLeft(o.at, o.text);
    else if ("at" in o) target.prependLeft(o.at, o.text);
    else if (o.kind === "update") target.update(o.start, o.end, o.text);
    else target.remove(o.start, o.end);
  }
}

describe("Splice", () => {
  it("gives magic-string's text and hires map for the same edits", () => {
    fc.assert(
      fc.property(
        text.chain((t) => fc.tuple(fc.constant(t), opsFor(t.length), fc.constantFrom("src/flows.ts", "a.ts", "..\\lib\\b.mts", ""))),
        ([original, ops, file]) => {
          const ms = new MagicString(original);
          try {
            apply(ms, ops);
          } catch {
            fc.pre(false); // magic-string rejects it (a split inside an edited chunk): not a sequence we make
          }
          const splice = new Splice(original);
          apply(splice, ops);
          const expected = ms.generateMap({ hires: true, source: file, file, includeContent: true });
          const actual = splice.withMap(file);
          expect(splice.toString()).toBe(ms.toString());
          expect(actual.code).toBe(ms.toString());
          expect(actual.map.toString()).toBe(expected.toString());
          expect(JSON.stringify(actual.map)).toBe(expected.toString()); // the object itself, as bundlers read it
          expect(actual.map.toUrl()).toBe(expected.toUrl());
        },
      ),
      { numRuns: 400 },
    );
  });

  it("keeps, in the tokens map, exactly the hires segments where a token can start", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "1", " ", "\n", ".", "(", "$", "é", "\t"), maxLength: 40 }).chain((t) => fc.tuple(fc.constant(t), opsFor(t.length))),
        ([original, ops]) => {
          const ms = new MagicString(original);
          try {
            apply(ms, ops);
          } catch {
            fc.pre(false);
          }
          const splice = new Splice(original);
          apply(splice, ops);
          const hires = decode(splice.withMap("a.ts").map.mappings);
          const tokens = decode(splice.withMap("a.ts", "tokens").map.mappings);
          const lineStarts = [0, ...[...original].flatMap((c, i) => (c === "\n" ? [i + 1] : []))];
          const word = (c: string | undefined) => c !== undefined && /[\w$\u0080-\uffff]/.test(c);
          hires.forEach((line, l) => {
            const kept = new Set(tokens[l]!.map((x) => x.join()));
            for (const t of tokens[l]!) expect(line.map((x) => x.join())).toContain(t.join()); // a subset
            line.forEach((seg, k) => {
              const prev = line[k - 1];
              const continues = prev !== undefined && prev[0] === seg[0] - 1 && prev[1] === seg[1] && prev[2] === seg[2] - 1;
              const at = lineStarts[seg[1]]! + seg[2];
              const startsToken = !/[ \t\r]/.test(original[at]!) && !(word(original[at]) && word(original[at - 1]) && original[at - 1] !== "\n");
              if (!continues || startsToken) expect(kept.has(seg.join()), `segment ${seg.join()} on line ${l}`).toBe(true);
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects partly overlapping replacements and positions outside the text", () => {
    const s = new Splice("abcdef");
    s.update(1, 4, "x");
    s.update(2, 5, "y");
    expect(() => s.toString()).toThrow(/overlapping edits 1-4 and 2-5/);
    expect(() => new Splice("ab").appendLeft(3, "x")).toThrow(/outside the file/);
    expect(() => new Splice("ab").update(1, 1, "x")).toThrow(/empty or reversed range/);
  });
});
