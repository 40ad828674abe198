/**
 * Reading and writing HTTP the way Lambda's restJson1 protocol does: request bodies read up to a
 * limit (a larger one is RequestTooLargeException, before it is buffered whole), JSON bodies
 * parsed (never evaluated), query values typed, and responses written with epoch-second
 * timestamps, errors with `x-amzn-errortype` and the service's body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { withTimes } from "../service/state-view.ts";
import { invalidParameter, ServiceError } from "../service/service-error.ts";

export function readBody(request: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    const tooLarge = () => new ServiceError("RequestTooLargeException", `Request must be smaller than ${limit} bytes for the ${operation} operation`);
    if (declared > limit) {
      request.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        request.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ServiceError("InvalidRequestContentException", "Could not parse request body into json: the body must be a JSON object.");
}

export function queryInt(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw invalidParameter(`${key} must be an integer, got ${JSON.stringify(value)}.`);
  return n;
}

export function queryBool(query: URLSearchParams, key: string): boolean | undefined {
  const value = query.get(key);
  return value === null ? undefined : value === "true";
}

export function queryTime(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw invalidParameter(`${key} must be a timestamp, got ${JSON.stringify(value)}.`);
  return ms;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(withTimes(body, "seconds"));
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ServiceError): void {
  const text = JSON.stringify(error.body());
  response.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-errortype": error.type,
  });
  response.end(text);
}
