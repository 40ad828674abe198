/**
 * Serialization of operation results. A serdes may be sync or async (the official SDK's is async);
 * the default is JSON, with `undefined` meaning "no payload". Failures become a SerdesError that
 * names the operation.
 */
import { PayloadTooLargeError, SerdesError } from "./errors.ts";
import { Limits } from "../protocol/wire.ts";

export interface SerdesContext {
  entityId: string;
  durableExecutionArn: string;
}

export interface Serdes<T = unknown> {
  serialize(value: T | undefined, context: SerdesContext): string | undefined | Promise<string | undefined>;
  deserialize(data: string | undefined, context: SerdesContext): T | undefined | Promise<T | undefined>;
}

export const defaultSerdes: Serdes<any> = {
  serialize: (value) => (value === undefined ? undefined : JSON.stringify(value)),
  deserialize: (data) => (data === undefined ? undefined : JSON.parse(data)),
};

/**
 * Serializes with a serdes; failures become SerdesError. With `part` ("result", "state", "input")
 * the value must fit in one operation: over the limit it throws PayloadTooLargeError (fatal)
 * instead of sending it, since the service would reject it anyway.
 */
/**
 * Callback results in the dialect (the `createCallback` / `waitForCallback` intrinsics): a payload
 * that parses as JSON comes back parsed, anything else as the raw string. Serializing writes
 * strings as they are and anything else as JSON, so a value round-trips.
 */
export const jsonOrRawSerdes: Serdes<unknown> = {
  serialize: (value) => (value === undefined || typeof value === "string" ? value : JSON.stringify(value)),
  deserialize: (data) => {
    if (data === undefined) return undefined;
    try {
      return JSON.parse(data);
    } catch {
      return data;
    }
  },
};

export async function serializeWith(serdes: Serdes<any>, value: unknown, what: string, context: SerdesContext, part?: string): Promise<string | undefined> {
  let payload: string | undefined;
  try {
    payload = await serdes.serialize(value, context);
  } catch (error) {
    throw new SerdesError("serialize", what, error);
  }
  if (part !== undefined && oversized(payload)) {
    throw new PayloadTooLargeError(`The ${part} of ${what}`, utf8Bytes(payload), Limits.OPERATION_PAYLOAD_BYTES);
  }
  return payload;
}

export async function deserializeWith<T>(serdes: Pick<Serdes<any>, "deserialize">, data: string | undefined, what: string, context: SerdesContext): Promise<T> {
  try {
    return (await serdes.deserialize(data, context)) as T;
  } catch (error) {
    throw new SerdesError("deserialize", what, error);
  }
}

/** True when a payload is over the per-operation limit (composites then replay their children). */
export function oversized(payload: string | undefined): boolean {
  return utf8Bytes(payload) > Limits.OPERATION_PAYLOAD_BYTES;
}

export function utf8Bytes(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, "utf8");
}
