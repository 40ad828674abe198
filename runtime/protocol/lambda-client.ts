/**
 * A DurableExecutionClient over @aws-sdk/client-lambda. The SDK is imported lazily, only when no
 * client was injected: Lambda's Node runtime provides it, and bundles keep it external. The
 * LambdaClient reads the standard settings itself (region, credentials, AWS_ENDPOINT_URL_LAMBDA).
 */
import type { DurableExecutionClient } from "./client.ts";
import { DurableError, ErrorCode } from "./durable-error.ts";
import { SDK_NAME, SDK_VERSION } from "./version.ts";

/** The subset of a LambdaClient we use; lets callers pass their own configured instance. */
export interface LambdaClientLike {
  send(command: unknown): Promise<any>;
}

type LambdaModule = typeof import("@aws-sdk/client-lambda");

let modulePromise: Promise<LambdaModule> | undefined;

function loadModule(): Promise<LambdaModule> {
  modulePromise ??= import("@aws-sdk/client-lambda").catch((cause: unknown) => {
    modulePromise = undefined;
    throw new DurableError(
      ErrorCode.CLIENT_UNAVAILABLE,
      `Could not load @aws-sdk/client-lambda to talk to the durable execution service. ` +
        `Install it (npm i @aws-sdk/client-lambda), or pass durableExecutionClient in the config.`,
      // No retry installs a module: the execution ends FAILED with this error instead of retrying forever.
      { cause, fatal: "execution" },
    );
  });
  return modulePromise;
}

let defaultClient: Promise<LambdaClientLike> | undefined;

export function createLambdaDurableClient(client?: LambdaClientLike): DurableExecutionClient {
  const getClient = (): Promise<LambdaClientLike> => {
    if (client) return Promise.resolve(client);
    // One client per process: Lambda reuses warm processes, so keep-alive connections survive.
    // As the official SDK's own client: our user agent, and timeouts so a stuck connection fails
    // the request (and the invocation is retried) instead of holding the invocation.
    defaultClient ??= loadModule().then((m) => new m.LambdaClient({
      customUserAgent: [[SDK_NAME, SDK_VERSION]],
      requestHandler: { connectionTimeout: 5000, socketTimeout: 50000, requestTimeout: 55000, throwOnRequestTimeout: true },
    } as never));
    return defaultClient;
  };
  return {
    async checkpoint(request) {
      const [m, c] = await Promise.all([loadModule(), getClient()]);
      return c.send(new m.CheckpointDurableExecutionCommand(request as never));
    },
    async getExecutionState(request) {
      const [m, c] = await Promise.all([loadModule(), getClient()]);
      return c.send(new m.GetDurableExecutionStateCommand(request as never));
    },
  };
}
