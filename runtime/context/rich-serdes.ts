/**
 * The serdes of compiled code (runtime/SPEC.md "Values in compiled code"): plain JSON values are
 * written exactly as JSON.stringify writes them; anything else (Date, Map, Set, bigint, undefined,
 * RegExp, typed arrays, URL, errors, registered class instances, NaN, -0) goes in an envelope
 * whose first key is spelled `"\u0024ud"`, bytes JSON.stringify never writes, so every payload the
 * JSON serdes wrote still reads as JSON. A value it cannot carry is an error naming its type and
 * path. It also copies step arguments (values it cannot carry are then passed by reference).
 * It never touches the ctx API's default, which stays JSON.
 */
import { classKeyOf, classOf } from "./class-registry.ts";
import type { ClassKey } from "./class-registry.ts";
import type { Serdes } from "./serdes.ts";

const TAG = "$ud";
/** The envelope's opening bytes: `{"$ud":1,"v":` with `$` escaped. */
export const ENVELOPE = '{"\\u0024ud":1,"v":';
const ENVELOPE_KEY = '{"\\u0024ud":';

const TYPED_ARRAYS = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
] as const;

type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree };

/** Why a value cannot be carried; the message names the type and the path. */
export class UncarriableValueError extends Error {
  constructor(what: string, path: string, fix: string) {
    super(`${what} at ${path} cannot cross a checkpoint. ${fix}`);
    this.name = "UncarriableValueError";
  }
}

export const richSerdes: Serdes<any> = {
  serialize: (value) => serializeRich(value),
  deserialize: (data) => deserializeRich(data),
};

export function serializeRich(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (isPlainJson(value, new Set())) return JSON.stringify(value);
  return `${ENVELOPE}${JSON.stringify(new Encoder(undefined).encode(value, "value", new Set()))}}`;
}

export function deserializeRich(data: string | undefined): unknown {
  if (data === undefined) return undefined;
  if (!data.startsWith(ENVELOPE_KEY)) return JSON.parse(data);
  const envelope = JSON.parse(data) as { $ud: unknown; v: Tree };
  if (envelope.$ud !== 1) throw new Error(`the payload is in a newer envelope format (${String(envelope.$ud)}) than this runtime reads; deploy the newer use-durable.`);
  return decodeTree(envelope.v, []);
}

/** Whether the serdes can carry `value` (what a branch may return without being rebuilt on replay). */
export function isCarriable(value: unknown): boolean {
  try {
    new Encoder(undefined).encode(value, "value", new Set());
    return true;
  } catch (error) {
    if (error instanceof UncarriableValueError) return false;
    throw error;
  }
}

/**
 * A copy of `value` as a step on another machine would receive it: data is copied (objects, arrays,
 * Maps, Sets, Dates, typed arrays...); anything else is passed as it is: what the serdes cannot
 * carry (a function, an AbortSignal, an unregistered class instance), and class instances and
 * errors too, since a copy would lose `#private` fields and what their constructor set up.
 */
export function copyValue<T>(value: T): T {
  return copier(value)();
}

/** Takes the copy's tree now; each call of the result builds a fresh copy from it (one per attempt). */
export function copier<T>(value: T): () => T {
  const refs: unknown[] = [];
  const tree = new Encoder(refs).encode(value, "value", new Set());
  return () => decodeTree(tree, refs) as T;
}

/**
 * A value as a JSON tree (the envelope's `v`); errors never fail (a field the serdes cannot carry
 * is marked omitted), and with `refs` nothing fails: uncarriable values become references.
 */
export function encodeTree(value: unknown, refs?: unknown[]): Tree {
  return new Encoder(refs).encode(value, "value", new Set());
}

export function decodeTree(tree: Tree | undefined, refs: readonly unknown[]): unknown {
  if (tree === null || typeof tree !== "object") return tree;
  if (Array.isArray(tree)) return tree.map((t) => decodeTree(t, refs));
  if (!Object.hasOwn(tree, TAG)) return decodeObject(tree, refs);
  const t = tree as Record<string, Tree>;
  const v = t["v"];
  switch (t[TAG]) {
    case "undefined":
    case "omitted":
      return undefined;
    case "object":
      return decodeObject(v as Record<string, Tree>, refs);
    case "number":
      return v === "-0" ? -0 : Number(v);
    case "bigint":
      return BigInt(v as string);
    case "Date":
      return new Date(v === null ? Number.NaN : (v as string));
    case "RegExp":
      return new RegExp(t["source"] as string, t["flags"] as string);
    case "Map":
      return new Map((v as Tree[][]).map(([k, x]) => [decodeTree(k, refs), decodeTree(x, refs)]));
    case "Set":
      return new Set((v as Tree[]).map((x) => decodeTree(x, refs)));
    case "URL":
      return new URL(v as string);
    case "URLSearchParams":
      return new URLSearchParams(v as string);
    case "ArrayBuffer": {
      const bytes = Buffer.from(v as string, "base64");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    case "Buffer":
      return Buffer.from(v as string, "base64");
    case "Error":
      return decodeError(t, refs);
    case "class":
      return decodeInstance(t, refs);
    case "ref":
      return refs[t["i"] as number];
    default: {
      const name = String(t[TAG]);
      if ((TYPED_ARRAYS as readonly string[]).includes(name)) {
        const bytes = Buffer.from(v as string, "base64");
        const Typed = (globalThis as unknown as Record<string, new (b: ArrayBuffer) => unknown>)[name]!;
        return new Typed(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      }
      throw new Error(`the payload holds a value tagged ${JSON.stringify(name)}, which this runtime does not know; deploy the newer use-durable.`);
    }
  }
}

function decodeObject(tree: Record<string, Tree>, refs: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(tree)) setOwn(out, key, decodeTree(tree[key], refs));
  return out;
}

/** `out[key] = value`, except that `__proto__` becomes an own property, as JSON.parse makes it. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function decodeInstance(t: Record<string, Tree>, refs: readonly unknown[]): unknown {
  const cls = classOf(t["class"] as unknown as ClassKey);
  // A class this build no longer registers: its fields, as a plain object, rather than a failed replay.
  const out = (cls ? Object.create(cls.prototype as object) : {}) as Record<string, unknown>;
  const fields = t["v"] as Record<string, Tree>;
  for (const key of Object.keys(fields)) setOwn(out, key, decodeTree(fields[key], refs));
  return out;
}

function decodeError(t: Record<string, Tree>, refs: readonly unknown[]): Error {
  const key = t["class"] as unknown as ClassKey | undefined;
  const cls = key ? classOf(key) : undefined;
  const proto = cls && (cls.prototype instanceof Error || cls === Error) ? cls.prototype : Error.prototype;
  const error = Object.create(proto as object) as Error & Record<string, unknown>;
  const hidden = (name: string, value: unknown) => Object.defineProperty(error, name, { value, writable: true, enumerable: false, configurable: true });
  hidden("message", t["message"] ?? "");
  if (t["stack"] !== undefined) hidden("stack", t["stack"]);
  if (t["cause"] !== undefined) hidden("cause", decodeTree(t["cause"], refs));
  if (t["errors"] !== undefined) hidden("errors", decodeTree(t["errors"], refs));
  const fields = (t["fields"] ?? {}) as Record<string, Tree>;
  for (const field of Object.keys(fields)) setOwn(error, field, decodeTree(fields[field], refs));
  if (error.name !== t["name"]) hidden("name", t["name"]);
  return error;
}

function isPlainJson(value: unknown, ancestors: Set<object>): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object" || ancestors.has(value)) return false;
  ancestors.add(value);
  let plain = true;
  if (Array.isArray(value)) {
    for (let i = 0; plain && i < value.length; i++) plain = i in value && isPlainJson(value[i], ancestors);
  } else {
    const proto = Object.getPrototypeOf(value);
    plain = proto === Object.prototype || proto === null;
    if (plain) for (const key of Object.keys(value)) if (!(plain = isPlainJson((value as Record<string, unknown>)[key], ancestors))) break;
  }
  ancestors.delete(value);
  return plain;
}

class Encoder {
  private readonly refs: unknown[] | undefined;

  /** With `refs`, nothing fails: values the serdes cannot carry are kept by reference. */
  constructor(refs: unknown[] | undefined) {
    this.refs = refs;
  }

  encode(value: unknown, path: string, ancestors: Set<object>): Tree {
    switch (typeof value) {
      case "undefined":
        return { [TAG]: "undefined" };
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return { [TAG]: "number", v: Object.is(value, -0) ? "-0" : String(value) };
      case "bigint":
        return { [TAG]: "bigint", v: value.toString() };
      case "function":
        return this.fail(value, `a function${value.name ? ` (${value.name})` : ""}`, path, "Return data instead.");
      case "symbol":
        return this.fail(value, "a symbol", path, "Return data instead.");
    }
    if (value === null) return null;
    const object = value as object;
    if (ancestors.has(object)) return this.fail(value, "a cycle (an object that contains itself)", path, "Return a tree of data without cycles.");
    ancestors.add(object);
    try {
      return this.encodeObject(object, path, ancestors);
    } finally {
      ancestors.delete(object);
    }
  }

  private encodeObject(value: object, path: string, ancestors: Set<object>): Tree {
    if (Array.isArray(value)) {
      const out: Tree[] = [];
      for (let i = 0; i < value.length; i++) out.push(this.encode(value[i], `${path}[${i}]`, ancestors));
      return out;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const fields = this.fields(value, path, ancestors);
      return Object.hasOwn(fields, TAG) ? { [TAG]: "object", v: fields } : fields;
    }
    if (value instanceof Date) return { [TAG]: "Date", v: Number.isNaN(value.getTime()) ? null : value.toISOString() };
    if (value instanceof RegExp) return { [TAG]: "RegExp", source: value.source, flags: value.flags };
    if (value instanceof Map) {
      let i = 0;
      const entries: Tree[] = [];
      for (const [k, v] of value) {
        entries.push([this.encode(k, `${path}.keys()[${i}]`, ancestors), this.encode(v, `${path}.get(<key ${i}>)`, ancestors)]);
        i++;
      }
      return { [TAG]: "Map", v: entries };
    }
    if (value instanceof Set) return { [TAG]: "Set", v: [...value].map((v, i) => this.encode(v, `${path}.values()[${i}]`, ancestors)) };
    if (value instanceof URL) return { [TAG]: "URL", v: value.href };
    if (value instanceof URLSearchParams) return { [TAG]: "URLSearchParams", v: value.toString() };
    if (value instanceof ArrayBuffer) return { [TAG]: "ArrayBuffer", v: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      if (Buffer.isBuffer(value)) return { [TAG]: "Buffer", v: bytes };
      const name = value.constructor.name;
      if ((TYPED_ARRAYS as readonly string[]).includes(name)) return { [TAG]: name, v: bytes };
    }
    if (value instanceof Error) return this.refs ? this.fail(value, "", path, "") : this.encodeError(value, path, ancestors);
    if (typeof (value as { then?: unknown }).then === "function") {
      return this.fail(value, "a promise", path, "Await it before returning it.");
    }
    const key = classKeyOf(value);
    if (key && !this.refs) return { [TAG]: "class", class: key as unknown as Tree, v: this.fields(value, path, ancestors) };
    const name = (value as { constructor?: { name?: string } }).constructor?.name || "anonymous";
    return this.fail(
      value,
      `an instance of the class ${name}`,
      path,
      `Register the class (registerClass(${name}) from "use-durable", or declare or import it in a module with a directive), or return plain data.`,
    );
  }

  private fields(value: object, path: string, ancestors: Set<object>): { [key: string]: Tree } {
    const out: { [key: string]: Tree } = {};
    for (const key of Object.keys(value)) {
      const where = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      setOwn(out, key, this.encode((value as Record<string, unknown>)[key], where, ancestors));
    }
    return out;
  }

  /** An error never fails to encode: a part the serdes cannot carry is marked omitted. */
  private encodeError(error: Error, path: string, ancestors: Set<object>): Tree {
    const soft = (value: unknown, where: string): Tree => {
      try {
        return this.encode(value, where, ancestors);
      } catch (failure) {
        if (failure instanceof UncarriableValueError) return { [TAG]: "omitted" };
        throw failure;
      }
    };
    const out: { [key: string]: Tree } = { [TAG]: "Error", name: String(error.name), message: String(error.message) };
    const key = classKeyOf(error);
    if (key) out["class"] = key as unknown as Tree;
    if (typeof error.stack === "string") out["stack"] = error.stack;
    if (error.cause !== undefined) out["cause"] = soft(error.cause, `${path}.cause`);
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors) && !Object.prototype.propertyIsEnumerable.call(error, "errors")) out["errors"] = soft(errors, `${path}.errors`);
    const fields: { [key: string]: Tree } = {};
    let any = false;
    for (const field of Object.keys(error)) {
      if (field === "message" || field === "stack" || field === "cause") continue;
      setOwn(fields, field, soft((error as unknown as Record<string, unknown>)[field], `${path}.${field}`));
      any = true;
    }
    if (any) out["fields"] = fields;
    return out;
  }

  private fail(value: unknown, what: string, path: string, fix: string): Tree {
    if (this.refs) return { [TAG]: "ref", i: this.refs.push(value) - 1 };
    throw new UncarriableValueError(what, path, fix);
  }
}
