/**
 * The names module and the options: every name is printable ASCII of at most 256 characters and
 * parses back to its callee and ordinal; options resolve to their defaults; manifest paths are
 * relative to root with "/" separators and never absolute.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildName, MAX_NAME_LENGTH, parseName, resolveOptions } from "../compiler/index.ts";
import { normalizeCallee } from "../compiler/names.ts";
import { compile } from "../compiler/index.ts";
import { relativeId } from "../compiler/options.ts";

describe("names", () => {
  it("are printable ASCII, at most 256 characters, and parse back (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 1, max: 10_000 }), (raw, ordinal) => {
        const callee = normalizeCallee(raw);
        const name = buildName(callee, ordinal);
        expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(name).toMatch(/^[\x20-\x7e]*$/);
        const parsed = parseName(name);
        expect(parsed.ordinal).toBe(ordinal);
        if (callee.length + (ordinal > 1 ? String(ordinal).length + 1 : 0) <= MAX_NAME_LENGTH) expect(parsed.callee).toBe(callee);
      }),
      { numRuns: 300 },
    );
  });

  it("follow DESIGN rule 4: callee, then callee#k", () => {
    expect(buildName("chargeCard", 1)).toBe("chargeCard");
    expect(buildName("chargeCard", 2)).toBe("chargeCard#2");
    expect(parseName("payments.charge#12")).toEqual({ callee: "payments.charge", ordinal: 12 });
    expect(normalizeCallee("payments\n  /* why */ .charge")).toBe("payments.charge");
    expect(normalizeCallee("étape#1")).toBe("%C3%A9tape%231");
  });

  it("keep distinct long callees distinct when truncated", () => {
    const a = buildName("x".repeat(300) + "a", 1);
    const b = buildName("x".repeat(300) + "b", 1);
    expect(a.length).toBe(MAX_NAME_LENGTH);
    expect(a).not.toBe(b);
  });
});

describe("options", () => {
  it("resolve to their defaults", () => {
    const o = resolveOptions();
    expect(o.root).toBe("");
    expect(o.strict).toBe(false);
    expect([...o.steps]).toEqual([]);
    expect(resolveOptions({ steps: ["./acts.ts"] }).steps.has("./acts")).toBe(true);
  });

  it("make paths relative to root with / separators, never absolute", () => {
    expect(relativeId("/srv/app/src/a.ts", "/srv/app")).toBe("src/a.ts");
    expect(relativeId("/srv/app/src/a.ts?v=3", "/srv/app/")).toBe("src/a.ts");
    expect(relativeId("C:\\work\\app\\src\\a.ts", "C:\\work\\app")).toBe("src/a.ts");
    expect(relativeId("/elsewhere/b.ts", "/srv/app")).toBe("b.ts");
    expect(relativeId("/abs/c.ts", "")).toBe("c.ts");
    expect(relativeId("src/d.ts", "")).toBe("src/d.ts");
  });

  it("the call-site table a compiled module carries names the file relative to root, and no path of the build machine", () => {
    const code = `export async function h() {\n  "use durable";\n  await charge(1);\n  await charge(2);\n}\nasync function charge(n: number) {\n  "use step";\n  return n;\n}\n`;
    const inside = compile(code, "/srv/build-42/app/src/order.ts", { root: "/srv/build-42/app" })!.code;
    expect(inside.split("\n")[0]).toContain('function __ud_sites() { return { file: "src/order.ts", at: { "h": "1:1", "h:charge": "3:9", "h:charge#2": "4:9", "charge": "6:1" } }; }');
    const outside = compile(code, "/srv/build-42/elsewhere/order.ts", { root: "/srv/build-42/app" })!.code;
    expect(outside).toContain('file: "order.ts"');
    for (const output of [inside, outside]) expect(output).not.toContain("/srv/build-42");
  });
});
