/**
 * The HTTP API: Lambda's durable execution routes and Invoke on 127.0.0.1 (another interface only
 * when asked). Each request is routed, its body read within the route's limit, authenticated,
 * handed to one service command, and answered as the service answers (errors with their type,
 * status and message). A failure that is not a service error is a ServiceException, logged.
 * The host's own routes (not Lambda's: `use-durable dev`'s registration) live under
 * EXTENSION_PREFIX, each handed the raw request: it checks and answers it itself, and the
 * Authenticator never sees it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { DurableService } from "../service/service.ts";
import { ServiceError } from "../service/service-error.ts";
import type { Authenticator } from "./authenticator.ts";
import { acceptAll } from "./authenticator.ts";
import { readBody, sendError } from "./http-io.ts";
import type { InvokeBackend } from "./invoke-route.ts";
import { invokeRoute } from "./invoke-route.ts";
import type { Route } from "./routes.ts";
import { routes } from "./routes.ts";

/** No Lambda REST path starts with it (theirs start with a date: /2015-03-31/, /2025-12-01/). */
export const EXTENSION_PREFIX = "/use-durable/";

/** A route of the host's own: reads the body, checks who calls, answers. */
export type ExtensionHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface HttpServerOptions {
  port: number;
  host: string;
  authenticator?: Authenticator;
  /** Paths under EXTENSION_PREFIX and their handlers, read at each request (added while serving). */
  extensions?: ReadonlyMap<string, ExtensionHandler>;
  onError?(error: unknown): void;
}

export interface HttpServer {
  /** http://host:port, what AWS_ENDPOINT_URL_LAMBDA is set to. */
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(service: DurableService, backend: InvokeBackend, options: HttpServerOptions): Promise<HttpServer> {
  const table: Route[] = [invokeRoute(backend, service.options.region), ...routes];
  const authenticate = options.authenticator ?? acceptAll;
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://localhost");
      const extension = url.pathname.startsWith(EXTENSION_PREFIX) ? options.extensions?.get(url.pathname) : undefined;
      if (extension) return await extension(request, response);
      let params: string[] | undefined;
      const route = table.find((r) => r.method === request.method && (params = r.pattern.exec(url.pathname)?.slice(1)) !== undefined);
      if (!route || !params) {
        request.resume();
        throw new ServiceError("UnknownOperationException", `No durable execution API at ${request.method} ${url.pathname}.`);
      }
      const body = await readBody(request, route.limit, route.name);
      const verdict = authenticate({ method: request.method ?? "", path: url.pathname, query: url.searchParams, headers: request.headers, body });
      if (!verdict.ok) {
        const text = JSON.stringify({ message: verdict.message });
        response.writeHead(verdict.status, { "content-type": "application/json", "x-amzn-errortype": verdict.type });
        return void response.end(text);
      }
      await route.handle({ request, response, params: params.map(decodeURIComponent), query: url.searchParams, body, service });
    } catch (error) {
      if (response.headersSent) return void response.end();
      if (error instanceof ServiceError) return sendError(response, error);
      options.onError?.(error);
      sendError(response, new ServiceError("ServiceException", "The engine failed to process the request; see its log."));
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
