/**
 * A request's JSON object body, read up to a limit (a larger body is refused with 413 before it is
 * buffered whole; anything but a JSON object is 400). Shared by the UI's mutations and `dev`'s
 * registration route. Parses, never evaluates; answers nothing itself (the error carries the status).
 */
import type { IncomingMessage } from "node:http";

export interface BodyError extends Error {
  type: string;
  status: number;
}

const fail = (message: string, type: string, status: number): BodyError => Object.assign(new Error(message), { type, status });

export function readJson(request: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        reject(fail(`The body is over ${limit} bytes`, "RequestTooLarge", 413));
      } else chunks.push(chunk);
    });
    request.on("end", () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        if (value && typeof value === "object" && !Array.isArray(value)) return resolve(value as Record<string, unknown>);
      } catch {
        // reported below
      }
      reject(fail("The body must be a JSON object", "BadRequest", 400));
    });
    request.on("error", reject);
  });
}
