/**
 * A local HTTP server speaking the two Lambda durable execution routes our runtime calls
 * (POST .../checkpoint, GET .../state of /2025-12-01/durable-executions/{arn}), backed by the
 * in-memory service. It records each request's method, path, query, headers, body and arrival time,
 * so tests can check what a client (the real @aws-sdk/client-lambda, or the runtime's own signed
 * client) puts on the wire, and can check each signature as the service does (`verify`). Timestamps
 * go out as epoch seconds, the REST-JSON default.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { MemoryClient } from "./memory-client.ts";
import { signatureProblem, type TestCredentials } from "./sigv4-verify.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  headers: IncomingHttpHeaders;
  /** When the request's first byte arrived, in ms since the epoch (performance.timeOrigin + now()). */
  at: number;
}

export interface FixtureServer {
  url: string;
  /** The service behind the routes; tests may swap it. */
  service: MemoryClient;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (keep-alive reuses one). */
  connections: number;
  /**
   * Answers a request instead of the service when it returns a reply (a throttle, a 5xx, a stale
   * token): tests of how a client retries and how its errors are classified.
   */
  override?: (request: RecordedRequest) => { status: number; errorType?: string; message: string } | undefined;
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  /**
   * Check every request's SigV4 signature as the service does (sigv4-verify.ts) with these credentials
   * and region; a wrong one is answered 403 InvalidSignatureException and never reaches the service.
   */
  verify?: { credentials: TestCredentials; region: string };
}

const TIMESTAMP_KEYS = new Set(["StartTimestamp", "EndTimestamp", "NextAttemptTimestamp", "ScheduledEndTimestamp"]);

function toWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    TIMESTAMP_KEYS.has(key) && typeof v === "string" ? Date.parse(v) / 1000 : v,
  );
}

export async function startFixtureServer(service: MemoryClient, options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const fixture = { service, connections: 0 } as FixtureServer;
  const server = createServer((req, res) => {
    const at = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const recorded: RecordedRequest = { method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), body, headers: req.headers, at };
      requests.push(recorded);
      if (options.verify) {
        const problem = await signatureProblem({ method: req.method ?? "", rawUrl: req.url ?? "/", headers: req.headers, body: text }, options.verify.credentials, options.verify.region);
        if (problem !== undefined) {
          res.writeHead(403, { "content-type": "application/json", "x-amzn-errortype": "InvalidSignatureException" });
          return res.end(JSON.stringify({ message: problem }));
        }
      }
      const forced = fixture.override?.(recorded);
      if (forced) {
        res.writeHead(forced.status, { "content-type": "application/json", ...(forced.errorType ? { "x-amzn-errortype": forced.errorType } : {}) });
        return res.end(JSON.stringify({ message: forced.message }));
      }
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
  server.on("connection", () => fixture.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fixture, {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive clients hold sockets open
      }),
  });
}
