/**
 * The call-site lookup (runtime/dialect/call-sites.ts) and the seam that writes a location into
 * an error (runtime/context/locate.ts), on stand-in contexts: only `parent` is read. The end-to-end
 * cases (compiled code under AWS's emulator) are in dialect-error-locations.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { DurableContextImpl } from "../runtime/context/durable-context.ts";
import { DurableError, ErrorCode, StepError, toErrorObject } from "../runtime/context/errors.ts";
import { located } from "../runtime/context/locate.ts";
import { bindSites, locate, noteRunTimeName, type CallSites } from "../runtime/dialect/call-sites.ts";

const context = (parent?: DurableContextImpl) => ({ parent }) as unknown as DurableContextImpl;
const table = (file: string, at: Record<string, string>) => (): CallSites => ({ file, at });
const order = table("src/order.ts", { handler: "9:1", "handler:charge": "12:7", "handler:charge#2": "14:7", "handler:Promise.all": "16:3", "handler:audit": "16:30", audit: "30:1", "audit:charge": "33:9" });

describe("the call-site lookup", () => {
  it("finds each name of the bound function, callee#k at its own call", () => {
    const root = context();
    bindSites(root, { name: "handler", sites: order });
    expect(locate(root, "charge")).toBe("at src/order.ts:12:7");
    expect(locate(root, "charge#2")).toBe("at src/order.ts:14:7");
    expect(locate(root, "charge#3")).toBeUndefined();
    expect(locate(root, undefined)).toBeUndefined();
  });

  it("a child context without a binding (a branch, a map item) uses its nearest bound ancestor; a bound child its own table", () => {
    const root = context();
    bindSites(root, { name: "handler", sites: order });
    const branch = context(context(root));
    expect(locate(branch, "charge#2")).toBe("at src/order.ts:14:7");
    const audit = context(branch);
    bindSites(audit, { name: "audit", sites: order });
    expect(locate(audit, "charge")).toBe("at src/order.ts:33:9");
    // The nearest binding decides: a name only the outer function has is not found in audit's body.
    expect(locate(audit, "charge#2")).toBeUndefined();
  });

  it("a name made at run time is located at the function's definition, in the context that made it", () => {
    const root = context();
    noteRunTimeName(root, "audit#2", { name: "audit", sites: order });
    expect(locate(root, "audit#2")).toBe("defined at src/order.ts:30:1");
    expect(locate(context(root), "audit#2")).toBeUndefined();
  });

  it("no table (hand-written code, an older build) or a table that throws: no location", () => {
    const plain = context();
    bindSites(plain, { name: "handler" });
    expect(locate(plain, "charge")).toBeUndefined();
    const broken = context();
    bindSites(broken, { name: "handler", sites: () => { throw new Error("stale"); } });
    expect(locate(broken, "charge")).toBeUndefined();
    const prototypeKey = context();
    bindSites(prototypeKey, { name: "toString", sites: table("src/a.ts", {}) });
    noteRunTimeName(prototypeKey, "toString", { name: "toString", sites: table("src/a.ts", {}) });
    expect(locate(prototypeKey, "toString")).toBeUndefined();
  });
});

describe("located errors", () => {
  const root = context();
  bindSites(root, { name: "handler", sites: order });

  it("appends the site to the message, sets location, and the ErrorObject carries it as data", () => {
    const error = located(new DurableError(ErrorCode.INVALID_DURATION, 'wait "charge": bad.'), root, "charge");
    expect(error.message).toBe('wait "charge": bad. (at src/order.ts:12:7)');
    expect(error.location).toBe("src/order.ts:12:7");
    expect(toErrorObject(error)).toEqual({ ErrorType: "DurableError", ErrorMessage: error.message, ErrorData: '{"location":"src/order.ts:12:7"}' });
  });

  it("locates once, and leaves operation outcomes (the user's failures) and unknown names alone", () => {
    const error = located(new DurableError(ErrorCode.INVALID_ARGUMENT, "x"), root, "charge");
    located(error, root, "charge#2");
    expect(error.message).toBe("x (at src/order.ts:12:7)");
    const failure = located(new StepError("declined"), root, "charge");
    expect(failure.message).toBe("declined");
    expect(failure.location).toBeUndefined();
    const unknown = located(new DurableError(ErrorCode.INVALID_ARGUMENT, "y"), root, "refund");
    expect(unknown.message).toBe("y");
    expect(toErrorObject(unknown).ErrorData).toBeUndefined();
  });
});
