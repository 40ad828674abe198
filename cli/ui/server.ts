/**
 * The UI's HTTP server: the page (with the run's token), its static assets, the JSON reads, the
 * change stream (server-sent events) and the two mutations, each behind the guard. It owns the
 * listening socket and every open stream, and closes both; it never changes the engine except
 * through its callback and stop commands.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Engine } from "../../engine/index.ts";
import { Guard, newToken } from "./guard.ts";
import { readJson } from "./json-body.ts";
import type { ManifestLookup } from "./views.ts";
import { describeExecution, listExecutions } from "./views.ts";

export interface UiOptions {
  engine: Engine;
  /** Default 127.0.0.1: the UI answers callbacks and stops executions, so it stays on this machine. */
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** The build manifest of a registered function, for source locations. */
  manifests?: ManifestLookup;
}

export interface UiServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const ASSETS: Record<string, string> = { "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" };
const BODY_LIMIT = 300_000;
// Inline style attributes position the bars; scripts stay strictly same-origin files.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function asset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8");
}

export async function startUi(options: UiOptions): Promise<UiServer> {
  const { engine, manifests } = options;
  const guard = new Guard(newToken());
  const files = new Map(Object.keys(ASSETS).map((name) => [name, asset(name)]));
  const page = asset("index.html").replace("%TOKEN%", guard.token);
  const streams = new Set<ServerResponse>();

  // Changes are coalesced: a busy engine commits hundreds of times a second, the page needs a few.
  let pending = new Set<string>();
  let flush: NodeJS.Timeout | undefined;
  const unsubscribe = engine.onChange((committed) => {
    for (const change of committed.changes) pending.add(change.arn);
    flush ??= setTimeout(() => {
      flush = undefined;
      const data = `event: change\ndata: ${JSON.stringify({ arns: [...pending] })}\n\n`;
      pending = new Set();
      for (const stream of streams) stream.write(data);
    }, 50);
  });

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
  };

  const mutate = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const body = await readJson(request, BODY_LIMIT);
    if (path === "/api/stop") {
      const arn = String(body.arn ?? "");
      engine.service.stopExecution(arn, { ErrorType: "StoppedFromUi", ErrorMessage: "Stopped from the use-durable UI" });
      return send(response, 200, { stopped: arn });
    }
    if (path === "/api/callback") {
      const callbackId = String(body.callbackId ?? "");
      const payload = typeof body.payload === "string" ? body.payload : "";
      if (body.outcome === "succeed") engine.sendCallbackSuccess(callbackId, payload);
      else if (body.outcome === "fail") engine.sendCallbackFailure(callbackId, { ErrorType: "CallbackFailedFromUi", ErrorMessage: payload });
      else return send(response, 400, { error: { type: "BadRequest", message: 'outcome must be "succeed" or "fail"' } });
      return send(response, 200, { answered: callbackId });
    }
    send(response, 404, { error: { type: "NotFound", message: `No route POST ${path}` } });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const refused = guard.check(request);
    if (refused) return send(response, 403, { error: { type: "Forbidden", message: refused } });
    const url = new URL(request.url ?? "/", "http://ui");
    const path = url.pathname;
    if (request.method === "POST") return mutate(request, response, path);
    if (request.method !== "GET") return send(response, 405, { error: { type: "MethodNotAllowed", message: `${request.method} is not served` } });
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": CSP, "x-frame-options": "DENY", "referrer-policy": "no-referrer" });
      return response.end(page);
    }
    const file = path.startsWith("/assets/") ? files.get(path.slice(8)) : undefined;
    if (file !== undefined) {
      response.writeHead(200, { "content-type": ASSETS[path.slice(8)]!, "x-content-type-options": "nosniff" });
      return response.end(file);
    }
    if (path === "/api/executions") {
      return send(response, 200, listExecutions(engine, { status: url.searchParams.get("status") ?? "", function: url.searchParams.get("function") ?? "" }));
    }
    if (path === "/api/execution") {
      const detail = describeExecution(engine, url.searchParams.get("arn") ?? "", manifests);
      return detail ? send(response, 200, detail) : send(response, 404, { error: { type: "ResourceNotFoundException", message: "No such execution" } });
    }
    if (path === "/api/events") {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      response.write("retry: 1000\n\n");
      streams.add(response);
      request.on("close", () => streams.delete(response));
      return;
    }
    send(response, 404, { error: { type: "NotFound", message: `No route GET ${path}` } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const e = error as { type?: string; status?: number; name?: string; message?: string };
      const status = typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : e.type ? 400 : 500;
      if (!response.headersSent) send(response, status, { error: { type: e.type ?? e.name ?? "Error", message: e.message ?? String(error) } });
      else response.end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  guard.listening(host, port);
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    token: guard.token,
    close: async () => {
      unsubscribe();
      if (flush) clearTimeout(flush);
      for (const stream of streams) stream.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
