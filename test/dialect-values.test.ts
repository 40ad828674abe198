/**
 * The serdes of compiled code (runtime/context/rich-serdes.ts), as fast-check properties: every
 * supported type round-trips; plain JSON values are written byte for byte as JSON.stringify writes
 * them; every payload the JSON serdes wrote reads back as JSON.parse reads it (including objects
 * with a "$ud" key and strings that look like the envelope); what it cannot carry is an error that
 * names the type and the path; argument copies share no data with the original.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { registerClass } from "../runtime/context/class-registry.ts";
import { copyValue, deserializeRich, isCarriable, serializeRich } from "../runtime/context/rich-serdes.ts";

class Money {
  amount: number;
  currency: string;
  constructor(amount: number, currency: string) {
    this.amount = amount;
    this.currency = currency;
  }
  label(): string {
    return `${this.amount} ${this.currency}`;
  }
}
registerClass(Money);

class PaymentDeclinedError extends Error {
  reason: string;
  constructor(message: string, reason: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PaymentDeclinedError";
    this.reason = reason;
  }
}
registerClass(PaymentDeclinedError);

class Unregistered {
  x = 1;
}

/** Structural equality that tells every carried type apart (Object.is for numbers: NaN, -0). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) return a.source === (b as RegExp).source && a.flags === (b as RegExp).flags;
  if (a instanceof URL || a instanceof URLSearchParams) return String(a) === String(b);
  if (a instanceof Map) return same([...a], [...(b as Map<unknown, unknown>)]);
  if (a instanceof Set) return same([...a], [...(b as Set<unknown>)]);
  if (a instanceof ArrayBuffer) return Buffer.from(a).equals(Buffer.from(b as ArrayBuffer));
  if (ArrayBuffer.isView(a)) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength));
  if (a instanceof Error) {
    const e = b as Error;
    if (a.name !== e.name || a.message !== e.message || a.stack !== e.stack || !same(a.cause, e.cause)) return false;
  }
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => same(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("$ud", "v", "__proto__", "constructor"));
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constant(undefined),
  fc.double(),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(/a+b/gi, /x/y, new URL("https://example.com/a?b=1#c"), new URLSearchParams("a=1&b=2")),
  fc.uint8Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 4 }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
  fc.uint8Array({ maxLength: 8 }).map((b) => b.buffer),
  fc.tuple(fc.integer(), fc.constantFrom("EUR", "USD")).map(([a, c]) => new Money(a, c)),
  fc.tuple(fc.string(), fc.string()).map(([m, r]) => new PaymentDeclinedError(m, r, { cause: new TypeError("inner") })),
  fc.string().map((m) => new RangeError(m)),
  fc.string().map((s) => `{"\\u0024ud":1,"v":${JSON.stringify(s)}}`),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    // A null-prototype object is written as a plain one (JSON does the same); not generated here.
    fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => new Set(items)),
  ),
}));

describe("the serdes of compiled code", () => {
  test("every supported value round-trips with its type", () => {
    fc.assert(fc.property(value, (v) => {
      const payload = serializeRich(v);
      expect(same(deserializeRich(payload), v), payload).toBe(true);
    }), { numRuns: 400 });
  });

  test("a plain JSON value is written byte for byte as JSON.stringify writes it", () => {
    const canonical = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(fc.property(canonical, (v) => {
      expect(serializeRich(v)).toBe(JSON.stringify(v));
    }), { numRuns: 400 });
  });

  test("every payload the JSON serdes wrote reads back as JSON", () => {
    const tricky = fc.oneof(fc.jsonValue(), fc.dictionary(key, fc.jsonValue({ maxDepth: 2 })), fc.string().map((s) => ({ $ud: 1, v: s })));
    fc.assert(fc.property(tricky, (v) => {
      const payload = JSON.stringify(v);
      expect(same(deserializeRich(payload), JSON.parse(payload)), payload).toBe(true);
    }), { numRuns: 400 });
  });

  test("an object with a $ud key inside a rich value stays a plain object", () => {
    const v = { when: new Date(0), inner: { $ud: "Date", v: "2020-01-01T00:00:00.000Z" } };
    const back = deserializeRich(serializeRich(v)) as typeof v;
    expect(back.inner).toStrictEqual({ $ud: "Date", v: "2020-01-01T00:00:00.000Z" });
    expect(back.when).toBeInstanceOf(Date);
  });

  test("bigint does not throw; undefined and holes in arrays survive", () => {
    expect(deserializeRich(serializeRich({ n: 10n ** 30n }))).toStrictEqual({ n: 10n ** 30n });
    // eslint-disable-next-line no-sparse-arrays
    expect(deserializeRich(serializeRich([1, undefined, , 3]))).toStrictEqual([1, undefined, undefined, 3]);
    expect(deserializeRich(serializeRich({ a: undefined }))).toStrictEqual({ a: undefined });
  });

  test("a class instance comes back with its class and methods; an error with its class, fields and cause", () => {
    const money = deserializeRich(serializeRich({ total: new Money(5, "EUR") })) as { total: Money };
    expect(money.total).toBeInstanceOf(Money);
    expect(money.total.label()).toBe("5 EUR");
    const error = deserializeRich(serializeRich(new PaymentDeclinedError("declined", "insufficient funds", { cause: new TypeError("card") }))) as PaymentDeclinedError;
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect([error.name, error.message, error.reason]).toEqual(["PaymentDeclinedError", "declined", "insufficient funds"]);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(Object.keys(error)).toEqual(Object.keys(new PaymentDeclinedError("", "")));
  });

  test("what it cannot carry is an error naming the type and the path", () => {
    expect(() => serializeRich({ items: [{ owner: new Unregistered() }] })).toThrow(
      /an instance of the class Unregistered at value\.items\[0\]\.owner cannot cross a checkpoint\. Register the class \(registerClass\(Unregistered\)/,
    );
    expect(() => serializeRich({ cb: () => 1 })).toThrow(/a function \(cb\) at value\.cb cannot cross a checkpoint/);
    expect(() => serializeRich([Promise.resolve(1)])).toThrow(/a promise at value\[0\]/);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => serializeRich(cyclic)).toThrow(/a cycle .* at value\.self/);
    expect(isCarriable({ d: new Date() })).toBe(true);
    expect(isCarriable({ p: Promise.resolve() })).toBe(false);
  });

  test("a copy of data shares no object; class instances, errors and uncarriable values are passed as they are", () => {
    const passedAsIs = (v: unknown) => v instanceof Money || v instanceof Error;
    fc.assert(fc.property(value, (v) => {
      const copy = copyValue(v);
      expect(same(copy, v)).toBe(true);
      if (typeof v === "object" && v !== null) expect(copy === v).toBe(passedAsIs(v));
    }), { numRuns: 200 });
    const money = new Money(1, "EUR");
    expect(copyValue({ money }).money).toBe(money);
    const signal = new AbortController().signal;
    const fn = () => 1;
    const args = [{ n: 1, list: [1, 2] }, { signal, fn }] as const;
    const copy = copyValue(args);
    expect(copy[0]).not.toBe(args[0]);
    expect(copy[0].list).not.toBe(args[0].list);
    expect(copy[1].signal).toBe(signal);
    expect(copy[1].fn).toBe(fn);
  });
});
