/**
 * The default DurableExecutionClient: the service's two REST calls (POST .../checkpoint and
 * GET .../state of /2025-12-01/durable-executions/{arn}) over Node's own http/https with a keep-alive
 * agent, signed with SigV4 (sigv4.ts), settings from the environment (service-endpoint.ts). Importing
 * and starting @aws-sdk/client-lambda costs a cold start more than everything else before its first
 * checkpoint (bench/cold-start.ts); this is the same two requests without it.
 *
 * It behaves as @aws-sdk/client-lambda does wherever the runtime or the service can tell: the same
 * bodies and query parameters (a fresh ClientToken per checkpoint, kept across retries), the SDK's
 * standard retries (3 attempts; throttling, 5xx, timeouts and network errors; full-jitter backoff from
 * 50 ms, 1 s when throttled), its timeouts (5 s to connect, 55 s per request, as the official SDK
 * configures them), errors shaped like its service exceptions (`name` is the service's error code,
 * `$metadata.httpStatusCode`, `$fault`) so checkpoint-batcher.ts classifies them as before, and
 * timestamps in responses as Dates. Not done: the SDK's retry quota and Retry-After hints, and its clock-
 * skew correction (a Lambda's clock is synchronised).
 *
 * Owns: the two requests, retries, error shapes. Never: decides when it is used (lambda-client.ts does).
 */
import type { Agent, IncomingMessage } from "node:http";
import type { DurableExecutionClient } from "./client.ts";
import type { ServiceSettings } from "./service-endpoint.ts";
import { canonicalQuery, escapeUri, sign } from "./sigv4.ts";
import { SDK_NAME, SDK_VERSION } from "./version.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { randomUUID } = process.getBuiltinModule("node:crypto");

type HttpModule = typeof import("node:http");

/** A failed call, shaped like the AWS SDK's service exceptions. */
export class LambdaServiceError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts?: number };
  constructor(name: string, message: string, status: number, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

const THROTTLING = /^(BandwidthLimitExceeded|EC2ThrottledException|LimitExceededException|PriorRequestNotComplete|ProvisionedThroughputExceededException|RequestLimitExceeded|RequestThrottled(Exception)?|SlowDown|ThrottledException|Throttling(Exception)?|TooManyRequestsException|TransactionInProgressException)$/;
const TRANSIENT = /^(TimeoutError|RequestTimeout(Exception)?|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const TIMESTAMPS = new Set(["StartTimestamp", "EndTimestamp", "NextAttemptTimestamp", "ScheduledEndTimestamp"]);

/** The wait before retry number `retries + 1`, or undefined when the error is not retried. */
function backoff(error: { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }, retries: number): number | undefined {
  const status = error.$metadata?.httpStatusCode ?? 0;
  const throttled = status === 429 || THROTTLING.test(error.name ?? "");
  if (!throttled && !TRANSIENT.test(error.name ?? "") && !TRANSIENT.test(error.code ?? "") && ![500, 502, 503, 504].includes(status)) return undefined;
  return Math.floor(Math.random() * Math.min((throttled ? 1000 : 50) * 2 ** retries, 20_000));
}

export function createSignedClient(settings: ServiceSettings): DurableExecutionClient {
  const { endpoint, region, credentials } = settings;
  const base = endpoint.pathname.replace(/\/$/, "");
  let transport: { http: HttpModule; agent: Agent } | undefined;

  const once = async (method: string, path: string, query: Record<string, string>, body: string): Promise<any> => {
    // process.getBuiltinModule, not import(): an ESM import of node:http reads every export, and one of
    // them loads undici (the fetch implementation), about 100 ms of a cold start.
    transport ??= (() => {
      const http = process.getBuiltinModule(endpoint.protocol === "https:" ? "node:https" : "node:http") as HttpModule;
      return { http, agent: new http.Agent({ keepAlive: true, maxSockets: 50 }) };
    })();
    const { http, agent } = transport;
    const headers = sign({ method, host: endpoint.host, path: base + path, query, headers: body ? { "content-type": "application/json" } : {}, body }, credentials, region, "lambda", new Date());
    headers["user-agent"] = `${SDK_NAME}/${SDK_VERSION} node/${process.version}`;
    if (body) headers["content-length"] = String(Buffer.byteLength(body));
    const search = canonicalQuery(query);
    return new Promise((resolve, reject) => {
      // 5 s to connect, then 55 s without progress, as the official SDK configures its client.
      const req = http.request(
        { protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port, method, path: base + path + (search ? `?${search}` : ""), headers, agent, timeout: 5_000 },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            let parsed: any;
            try {
              parsed = text ? JSON.parse(text, (k, v) => (TIMESTAMPS.has(k) && typeof v === "number" ? new Date(v * 1000) : v)) : {};
            } catch (error) {
              if (status < 300) return reject(error);
              parsed = {};
            }
            if (status >= 200 && status < 300) return resolve(parsed);
            // As the SDK reads a REST-JSON error: the header's code ("Code:uri" or "ns#Code"), else the body's.
            const code = (res.headers["x-amzn-errortype"] as string | undefined)?.split(":")[0]?.split("#").pop() || parsed.code || parsed.__type?.split("#").pop() || "UnknownError";
            reject(new LambdaServiceError(code, parsed.message ?? parsed.Message ?? code, status, res.headers["x-amzn-requestid"] as string | undefined));
          });
        },
      );
      req.on("error", reject);
      req.on("timeout", () => req.destroy(Object.assign(new Error(`No answer from ${endpoint.host} in time`), { name: "TimeoutError" })));
      req.on("socket", (socket) => (socket.connecting ? socket.once("connect", () => req.setTimeout(55_000)) : req.setTimeout(55_000)));
      req.end(body);
    });
  };

  const send = async (method: string, path: string, query: Record<string, string>, body = ""): Promise<any> => {
    for (let retries = 0; ; retries++) {
      try {
        return await once(method, path, query, body);
      } catch (error) {
        const wait = retries < 2 ? backoff(error as Error, retries) : undefined;
        if (wait === undefined) throw error;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };

  // The model types every member optional; the runtime always sets the ARN and token (the service rejects an empty one).
  const route = (arn: string | undefined, action: string) => `/2025-12-01/durable-executions/${escapeUri(arn ?? "")}/${action}`;
  return {
    checkpoint: ({ DurableExecutionArn, CheckpointToken, ClientToken, Updates }) =>
      send("POST", route(DurableExecutionArn, "checkpoint"), {}, JSON.stringify({ CheckpointToken, ClientToken: ClientToken ?? randomUUID(), Updates })),
    getExecutionState: ({ DurableExecutionArn, CheckpointToken, Marker, MaxItems }) =>
      send("GET", route(DurableExecutionArn, "state"), {
        CheckpointToken: CheckpointToken ?? "",
        ...(Marker !== undefined ? { Marker } : {}),
        ...(MaxItems !== undefined ? { MaxItems: String(MaxItems) } : {}),
      }),
  };
}
