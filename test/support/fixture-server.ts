/**
 * A local HTTP server speaking the two Lambda durable execution routes our runtime calls
 * (POST .../checkpoint, GET .../state of /2025-12-01/durable-executions/{arn}), backed by the
 * in-memory service. It records each request's method, path, query and body, so tests can check
 * what the real @aws-sdk/client-lambda puts on the wire. Timestamps go out as epoch seconds, the
 * REST-JSON default.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { MemoryClient } from "./memory-client.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

export interface FixtureServer {
  url: string;
  /** The service behind the routes; tests may swap it. */
  service: MemoryClient;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const TIMESTAMP_KEYS = new Set(["StartTimestamp", "EndTimestamp", "NextAttemptTimestamp", "ScheduledEndTimestamp"]);

function toWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    TIMESTAMP_KEYS.has(key) && typeof v === "string" ? Date.parse(v) / 1000 : v,
  );
}

export async function startFixtureServer(service: MemoryClient): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const fixture = { service } as FixtureServer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      requests.push({ method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), body });
      const match = /^\/2025-12-01\/durable-executions\/([^/]+)\/(checkpoint|state)$/.exec(url.pathname);
      const reply = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, { "content-type": "application/json", ...(errorType ? { "x-amzn-errortype": errorType } : {}) });
        res.end(JSON.stringify(payload));
      };
      if (!match) return reply(404, { message: `no route ${req.method} ${url.pathname}` }, "ResourceNotFoundException");
      const arn = decodeURIComponent(match[1]!);
      const call =
        match[2] === "checkpoint"
          ? fixture.service.checkpoint({ DurableExecutionArn: arn, ...body })
          : fixture.service.getExecutionState({
              DurableExecutionArn: arn,
              CheckpointToken: url.searchParams.get("CheckpointToken") ?? "",
              ...(url.searchParams.has("Marker") ? { Marker: url.searchParams.get("Marker")! } : {}),
              ...(url.searchParams.has("MaxItems") ? { MaxItems: Number(url.searchParams.get("MaxItems")) } : {}),
            });
      call.then(
        (result) => reply(200, toWire(result)),
        (error: Error) => reply(400, { message: error.message, Message: error.message }, "InvalidParameterValueException"),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fixture, {
    url: `http://127.0.0.1:${port}`,
    requests,
    // A request the service never answers keeps its socket: close it too, or close() waits forever.
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  });
}
