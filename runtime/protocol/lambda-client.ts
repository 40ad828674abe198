/**
 * The default client. With no client configured and Lambda's usual environment (credentials and region
 * in environment variables: service-endpoint.ts), the two calls go out through signed-client.ts, which
 * does not load the AWS SDK (a cold start's largest cost). Otherwise, and always for a `client` the
 * user configured, a DurableExecutionClient over @aws-sdk/client-lambda, imported lazily: Lambda's Node
 * runtime provides it, and bundles keep it external. The LambdaClient reads the standard settings
 * itself (region, credentials, AWS_ENDPOINT_URL_LAMBDA).
 */
import type { DurableExecutionClient } from "./client.ts";
import { DurableError, ErrorCode } from "./durable-error.ts";
import { settingsFromEnvironment } from "./service-endpoint.ts";
import { createSignedClient } from "./signed-client.ts";
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
// One per process, like the SDK's: its keep-alive connections outlive an invocation.
let signedClient: DurableExecutionClient | undefined;

export function createLambdaDurableClient(client?: LambdaClientLike): DurableExecutionClient {
  if (!client) {
    const settings = signedClient ? undefined : settingsFromEnvironment();
    if (settings) signedClient = createSignedClient(settings);
    if (signedClient) return signedClient;
  }
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
