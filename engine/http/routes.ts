/**
 * Lambda's REST routes for the durable execution commands, each mapped to one service command:
 * path labels, query parameters and bodies read as @aws-sdk/client-lambda writes them, answers
 * written as it reads them. Invoke has its own module (invoke-route.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CheckpointRequest, ErrorObject } from "../../runtime/protocol/wire.ts";
import type { DurableService } from "../service/service.ts";
import { parseJson, queryBool, queryInt, queryTime, sendJson } from "./http-io.ts";

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: string[];
  query: URLSearchParams;
  /** The request body, read whole within the route's limit before the route runs. */
  body: Buffer;
  service: DurableService;
}

export interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  /** The largest body the route takes; a larger one is RequestTooLargeException. */
  limit: number;
  handle(context: RouteContext): Promise<void> | void;
}

const MiB = 1024 * 1024;
const EXECUTION = "/2025-12-01/durable-executions/([^/]+)";
const CALLBACK = "/2025-12-01/durable-execution-callbacks/([^/]+)";

const optional = <T>(key: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [key]: value });

export const routes: Route[] = [
  {
    method: "POST",
    pattern: new RegExp(`^${EXECUTION}/checkpoint$`),
    name: "CheckpointDurableExecution",
    limit: 16 * MiB,
    handle(c) {
      const input = parseJson(c.body);
      sendJson(c.response, 200, c.service.checkpoint({ ...(input as Partial<CheckpointRequest>), DurableExecutionArn: c.params[0]! } as CheckpointRequest));
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^${EXECUTION}/state$`),
    name: "GetDurableExecutionState",
    limit: MiB,
    handle(c) {
      sendJson(
        c.response,
        200,
        c.service.getExecutionState({
          DurableExecutionArn: c.params[0]!,
          CheckpointToken: c.query.get("CheckpointToken") ?? "",
          ...optional("Marker", c.query.get("Marker") ?? undefined),
          ...optional("MaxItems", queryInt(c.query, "MaxItems")),
        }),
      );
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^${EXECUTION}/history$`),
    name: "GetDurableExecutionHistory",
    limit: MiB,
    handle(c) {
      sendJson(
        c.response,
        200,
        c.service.getHistory({
          DurableExecutionArn: c.params[0]!,
          ...optional("IncludeExecutionData", queryBool(c.query, "IncludeExecutionData")),
          ...optional("MaxItems", queryInt(c.query, "MaxItems")),
          ...optional("Marker", c.query.get("Marker") ?? undefined),
          ...optional("ReverseOrder", queryBool(c.query, "ReverseOrder")),
        }),
      );
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${EXECUTION}/stop$`),
    name: "StopDurableExecution",
    limit: MiB,
    handle(c) {
      const error = parseJson(c.body);
      sendJson(c.response, 200, c.service.stopExecution(c.params[0]!, Object.keys(error).length ? (error as ErrorObject) : undefined));
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^${EXECUTION}$`),
    name: "GetDurableExecution",
    limit: MiB,
    handle(c) {
      sendJson(c.response, 200, c.service.getExecution(c.params[0]!, queryBool(c.query, "IncludeExecutionData")));
    },
  },
  {
    method: "GET",
    pattern: /^\/2025-12-01\/functions\/([^/]+)\/durable-executions$/,
    name: "ListDurableExecutionsByFunction",
    limit: MiB,
    handle(c) {
      const statuses = c.query.getAll("Statuses");
      sendJson(
        c.response,
        200,
        c.service.listExecutions({
          FunctionName: c.params[0]!,
          ...optional("DurableExecutionName", c.query.get("DurableExecutionName") ?? undefined),
          ...optional("Statuses", statuses.length ? statuses : undefined),
          ...optional("StartedAfter", queryTime(c.query, "StartedAfter")),
          ...optional("StartedBefore", queryTime(c.query, "StartedBefore")),
          ...optional("ReverseOrder", queryBool(c.query, "ReverseOrder")),
          ...optional("Marker", c.query.get("Marker") ?? undefined),
          ...optional("MaxItems", queryInt(c.query, "MaxItems")),
        }),
      );
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${CALLBACK}/succeed$`),
    name: "SendDurableExecutionCallbackSuccess",
    // The Result is the raw body (a blob), at most 256 KiB.
    limit: 256 * 1024,
    handle(c) {
      c.service.sendCallbackSuccess(c.params[0]!, c.body.length ? c.body.toString("utf8") : undefined);
      sendJson(c.response, 200, {});
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${CALLBACK}/fail$`),
    name: "SendDurableExecutionCallbackFailure",
    limit: MiB,
    handle(c) {
      const error = parseJson(c.body);
      c.service.sendCallbackFailure(c.params[0]!, error as ErrorObject);
      sendJson(c.response, 200, {});
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^${CALLBACK}/heartbeat$`),
    name: "SendDurableExecutionCallbackHeartbeat",
    limit: MiB,
    handle(c) {
      c.service.sendCallbackHeartbeat(c.params[0]!);
      sendJson(c.response, 200, {});
    },
  },
];
