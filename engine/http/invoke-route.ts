/**
 * Invoke (POST /2015-03-31/functions/{FunctionName}/invocations) of a function registered with the
 * engine: a durable function starts an execution (named by X-Amz-Durable-Execution-Name, its ARN
 * back in X-Amz-Durable-Execution-Arn); `Event` answers 202 at once, `RequestResponse` waits for
 * the end and answers its result, or its error with X-Amz-Function-Error: Unhandled, as Lambda
 * does. A plain function is called once. Payloads must be JSON; they are parsed, never evaluated.
 */
import type { ErrorObject } from "../../runtime/protocol/wire.ts";
import { functionArn, functionNameOf } from "../service/arn.ts";
import type { ExecutionView } from "../service/queries.ts";
import { invalidParameter, notFound, ServiceError } from "../service/service-error.ts";
import { sendJson } from "./http-io.ts";
import type { Route, RouteContext } from "./routes.ts";

export interface InvokeBackend {
  describe(functionName: string): { durable: boolean } | undefined;
  start(functionName: string, options: { input?: string; executionName?: string }): { arn: string; created: boolean };
  waitFor(arn: string): Promise<ExecutionView>;
  callPlain(functionName: string, payload: string | null): Promise<{ result?: string; error?: ErrorObject }>;
}

const SYNC_LIMIT = 6 * 1024 * 1024;
const ASYNC_LIMIT = 1024 * 1024;

export function invokeRoute(backend: InvokeBackend, region: string): Route {
  return {
    method: "POST",
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/invocations$/,
    name: "Invoke",
    limit: SYNC_LIMIT,
    async handle(c: RouteContext) {
      const type = header(c, "x-amz-invocation-type") ?? "RequestResponse";
      if (!["RequestResponse", "Event", "DryRun"].includes(type)) {
        throw invalidParameter(`X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got ${JSON.stringify(type)}.`);
      }
      if (type === "Event" && c.body.length > ASYNC_LIMIT) {
        throw new ServiceError("RequestTooLargeException", `Request must be smaller than ${ASYNC_LIMIT} bytes for the InvokeFunction operation`);
      }
      const name = functionNameOf(c.params[0]!);
      const fn = backend.describe(name);
      if (!fn) throw notFound(`Function not found: ${functionArn(region, name)}`);
      const input = c.body.length ? c.body.toString("utf8") : undefined;
      if (input !== undefined) {
        try {
          JSON.parse(input);
        } catch {
          throw new ServiceError("InvalidRequestContentException", "Could not parse request body into json: the payload must be JSON.");
        }
      }
      if (type === "DryRun") return sendJson(c.response, 204, {});
      if (!fn.durable) return answerPlain(c, await backend.callPlain(name, input ?? null), type);
      const executionName = header(c, "x-amz-durable-execution-name");
      const { arn } = backend.start(name, { ...(input !== undefined ? { input } : {}), ...(executionName !== undefined ? { executionName } : {}) });
      const headers = { "X-Amz-Durable-Execution-Arn": arn, "X-Amz-Executed-Version": "$LATEST" };
      if (type === "Event") {
        c.response.writeHead(202, { ...headers, "content-length": 0 });
        return void c.response.end();
      }
      const view = await backend.waitFor(arn);
      if (view.Status === "SUCCEEDED") {
        const text = view.Result ?? "null";
        c.response.writeHead(200, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        return void c.response.end(text);
      }
      sendJson(c.response, 200, lambdaError(view.Error, view.Status), { ...headers, "X-Amz-Function-Error": "Unhandled" });
    },
  };
}

function answerPlain(c: RouteContext, outcome: { result?: string; error?: ErrorObject }, type: string): void {
  if (type === "Event") {
    c.response.writeHead(202, { "content-length": 0 });
    return void c.response.end();
  }
  if (outcome.error) return sendJson(c.response, 200, lambdaError(outcome.error, "FAILED"), { "X-Amz-Function-Error": "Unhandled" });
  const text = outcome.result ?? "null";
  c.response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "X-Amz-Executed-Version": "$LATEST" });
  c.response.end(text);
}

/** A function error as Lambda's response payload spells it. */
function lambdaError(error: ErrorObject | undefined, status: string): Record<string, unknown> {
  return {
    errorType: error?.ErrorType ?? status,
    errorMessage: error?.ErrorMessage ?? `The durable execution ended ${status}.`,
    ...(error?.StackTrace ? { stackTrace: error.StackTrace } : {}),
  };
}

function header(c: RouteContext, name: string): string | undefined {
  const value = c.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
