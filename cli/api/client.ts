/**
 * The thin clients' connection to an engine: the endpoint (--endpoint, else AWS_ENDPOINT_URL_LAMBDA,
 * else the project's `.use-durable/endpoint.json`), a real @aws-sdk/client-lambda LambdaClient on it
 * (local credentials, one attempt), and the service's errors turned into CliErrors that say the fix.
 * Never opens the database: anything the user points it at must work the same.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { CliError } from "../cli-error.ts";
import { readEndpoint } from "../endpoint-file.ts";

export interface Connection {
  endpoint: string;
  client: LambdaClient;
  sdk: typeof import("@aws-sdk/client-lambda");
  /** Functions the process that wrote endpoint.json serves (to list executions without --function). */
  functions: string[];
}

/** `timeoutMs`: a request unanswered that long fails with a TimeoutError (a follow loop must not hang on a stuck engine). */
export async function connect(flag: string | undefined, root = process.cwd(), options: { timeoutMs?: number } = {}): Promise<Connection> {
  const record = flag === undefined && !process.env.AWS_ENDPOINT_URL_LAMBDA ? readEndpoint(root) : undefined;
  const endpoint = flag ?? process.env.AWS_ENDPOINT_URL_LAMBDA ?? record?.endpoint;
  if (!endpoint) {
    throw new CliError(
      "UD_CLI_NO_ENGINE",
      "no engine running for this project (no .use-durable/endpoint.json from a live process). Start one with `use-durable dev` (or follow an execution with `use-durable run <file>`), or give --endpoint <url> / AWS_ENDPOINT_URL_LAMBDA.",
    );
  }
  let sdk: typeof import("@aws-sdk/client-lambda");
  try {
    sdk = await import("@aws-sdk/client-lambda");
  } catch {
    throw new CliError("UD_CLI_NO_ENGINE", "this command talks to the engine through @aws-sdk/client-lambda, which is not installed. Install it: npm install --save-dev @aws-sdk/client-lambda");
  }
  const client = new sdk.LambdaClient({
    endpoint,
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local" },
    maxAttempts: 1,
    ...(options.timeoutMs !== undefined ? { requestHandler: { requestTimeout: options.timeoutMs, connectionTimeout: options.timeoutMs } } : {}),
  });
  return { endpoint, client, sdk, functions: record?.functions ?? [] };
}

/** Sends a command; a refused connection or a service error becomes a CliError with the fix. */
export async function call<T>(connection: Connection, what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    if (code === "ECONNREFUSED" || e.name === "TimeoutError" || /ECONNREFUSED/.test(e.message ?? "")) {
      throw new CliError("UD_CLI_NO_ENGINE", `no engine answers at ${connection.endpoint}. Start one with \`use-durable dev\`, or point --endpoint at a running one.`);
    }
    if (e.name === "ResourceNotFoundException") throw new CliError("UD_CLI_NOT_FOUND", `${what}: ${e.message}. List what exists with \`use-durable executions\`.`);
    if (e.name === "CallbackTimeoutException") {
      throw new CliError("UD_CLI_CALLBACK_ANSWERED", `${what}: ${e.message}. The callback was already answered, timed out or cancelled; \`use-durable history <arn>\` shows what happened to it.`);
    }
    if (e.name && e.name.endsWith("Exception")) throw new CliError("UD_CLI_USAGE", `${what}: ${e.name}: ${e.message}`);
    throw error;
  }
}
