/**
 * The default client without the AWS SDK (runtime/protocol/signed-client.ts) against the fixture
 * server, which checks every signature as the service does (test/support/sigv4-verify.ts, the SDK's
 * own signer recomputing it from the request as it arrived). Where a behaviour can be compared, it is
 * compared with the real @aws-sdk/client-lambda on the same server: the requests, the responses as the
 * runtime reads them, the retries and how each failure is classified, and the endpoint chosen for each
 * environment.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { withDurableExecution } from "../runtime/index.ts";
import type { DurableExecutionClient } from "../runtime/protocol/client.ts";
import { createLambdaDurableClient } from "../runtime/protocol/lambda-client.ts";
import { settingsFromEnvironment } from "../runtime/protocol/service-endpoint.ts";
import { createSignedClient } from "../runtime/protocol/signed-client.ts";
import type { FixtureServer, RecordedRequest } from "./support/fixture-server.ts";
import { startFixtureServer } from "./support/fixture-server.ts";
import { MemoryClient } from "./support/memory-client.ts";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token=" };
const HOME = join(import.meta.dirname, "..", ".tmp", "signed-client-home");
const saved = { ...process.env };
let server: FixtureServer;

const lambdaEnv = (url: string): Record<string, string> => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
  AWS_ENDPOINT_URL_LAMBDA: url,
  HOME,
});

/** Only what these tests set: nothing of the machine's own AWS settings leaks in. */
function setEnv(values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
  Object.assign(process.env, values);
}

beforeAll(async () => {
  rmSync(HOME, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  server = await startFixtureServer(new MemoryClient({ name: "ada" }), { verify: { credentials: CREDENTIALS, region: "us-east-1" } });
  setEnv(lambdaEnv(server.url));
});

afterAll(async () => {
  process.env = saved;
  await server.close();
});

const body = async (input: { name: string }, ctx: DurableContext) => {
  const greeting = await ctx.step("greet", async () => `hello ${input.name}`);
  await ctx.wait("pause", { seconds: 10 });
  return ctx.step("shout", async () => greeting.toUpperCase());
};
const sdk = () => createLambdaDurableClient(new LambdaClient({}));
const signed = () => createSignedClient(settingsFromEnvironment()!);

/** Runs the handler to its end over `client`, on a fresh service; returns the outputs and the requests. */
async function drive(client: DurableExecutionClient | undefined): Promise<{ outputs: unknown[]; requests: RecordedRequest[] }> {
  server.service = new MemoryClient({ name: "ada" });
  server.requests.length = 0;
  const handler = withDurableExecution(body, client ? { durableExecutionClient: client } : {});
  const outputs = [await handler(server.service.event(), {})];
  server.service.advance();
  server.service.pageLimit = 1;
  outputs.push(await handler(server.service.event(1), {}));
  return { outputs, requests: [...server.requests] };
}

/** A request as the service sees it, without what differs on every run. */
const comparable = (r: RecordedRequest) => ({
  method: r.method,
  path: r.path,
  query: { ...r.query, ...(r.query.CheckpointToken ? { CheckpointToken: "<token>" } : {}) },
  body: r.body && { ...r.body, CheckpointToken: "<token>", ClientToken: typeof r.body.ClientToken },
  contentType: r.headers["content-type"],
});

describe("the default client", () => {
  test("is the signed client when Lambda's environment is set, and every signature checks out", async () => {
    const { outputs, requests } = await drive(undefined);
    expect(outputs).toEqual([{ Status: "PENDING" }, { Status: "SUCCEEDED", Result: '"HELLO ADA"' }]);
    expect(requests.map((r) => `${r.method} ${r.path.split("/").pop()}`)).toEqual(["POST checkpoint", "POST checkpoint", "GET state", "GET state", "POST checkpoint"]);
    expect(requests.every((r) => String(r.headers["user-agent"]).startsWith("use-durable/"))).toBe(true);
    expect(requests.every((r) => r.headers["x-amz-security-token"] === CREDENTIALS.sessionToken)).toBe(true);
  });

  test("sends what @aws-sdk/client-lambda sends, and reads the answers as it does", async () => {
    const ours = await drive(signed());
    const theirs = await drive(sdk());
    expect(ours.outputs).toEqual(theirs.outputs);
    expect(ours.requests.map(comparable)).toEqual(theirs.requests.map(comparable));
    for (const r of ours.requests.filter((x) => x.method === "POST")) expect(r.body.ClientToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // Timestamps come back as Dates, paging fields as sent: the same objects the SDK returns.
    const { DurableExecutionArn, CheckpointToken } = server.service.event();
    const strip = ({ $metadata: _, ...rest }: Record<string, unknown>) => rest;
    const page = { DurableExecutionArn, CheckpointToken, MaxItems: 2 };
    const mine = await signed().getExecutionState(page);
    expect(mine.Operations?.some((o) => o.StartTimestamp instanceof Date)).toBe(true);
    expect(strip(mine as Record<string, unknown>)).toEqual(strip((await sdk().getExecutionState(page)) as Record<string, unknown>));
  });

  test("keeps one connection alive across requests", async () => {
    const client = signed();
    const before = server.connections;
    await drive(client);
    expect(server.connections - before).toBe(1);
  });

  test("a signature made with the wrong secret is refused by the check, and that fails the execution", async () => {
    const settings = settingsFromEnvironment({ ...lambdaEnv(server.url), AWS_SECRET_ACCESS_KEY: "not-the-secret" })!;
    server.service = new MemoryClient({ name: "x" });
    const output = await withDurableExecution(body, { durableExecutionClient: createSignedClient(settings) })(server.service.event(), {});
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "CheckpointError", ErrorMessage: expect.stringMatching(/HTTP 403.*signature we calculated does not match/) } });
  });
});

describe("failures: retried and classified as with @aws-sdk/client-lambda", () => {
  type Outcome = { output?: unknown; thrown?: string; requests: number };
  async function outcome(client: DurableExecutionClient, reply: (n: number) => { status: number; errorType?: string; message: string } | undefined): Promise<Outcome> {
    server.service = new MemoryClient({ name: "x" });
    server.requests.length = 0;
    let n = 0;
    server.override = (r) => (r.method === "POST" ? reply(++n) : undefined);
    try {
      const output = await withDurableExecution(async (_i, ctx: DurableContext) => ctx.step("s", async () => 1), { durableExecutionClient: client })(server.service.event(), {});
      return { output, requests: server.requests.length };
    } catch (error) {
      return { thrown: (error as Error).message.replace(/\(HTTP \d+\)|:.*$/g, ""), requests: server.requests.length };
    } finally {
      server.override = undefined;
    }
  }
  const cases: Array<[string, (n: number) => { status: number; errorType?: string; message: string } | undefined]> = [
    ["a 400 fails the execution at once", () => ({ status: 400, errorType: "InvalidParameterValueException", message: "Invalid parent operation id" })],
    ["a stale token ends the invocation at once", () => ({ status: 400, errorType: "InvalidParameterValueException", message: "Invalid checkpoint token" })],
    ["a 500 twice is retried, then succeeds", (n) => (n <= 2 ? { status: 500, errorType: "ServiceException", message: "internal" } : undefined)],
    ["a 503 three times ends the invocation after three attempts", () => ({ status: 503, errorType: "ServiceException", message: "unavailable" })],
    ["throttling is retried", (n) => (n === 1 ? { status: 429, errorType: "TooManyRequestsException", message: "Rate exceeded" } : undefined)],
  ];
  test.each(cases)("%s", async (_name, reply) => {
    const ours = await outcome(signed(), reply);
    const theirs = await outcome(sdk(), reply);
    expect(ours).toEqual(theirs);
  });

  test("a connection refused is retried three times, then ends the invocation, as with the SDK", async () => {
    const closed = await startFixtureServer(new MemoryClient({}));
    await closed.close();
    const env = { ...lambdaEnv(closed.url) };
    const run = async (client: DurableExecutionClient) => {
      const service = new MemoryClient({});
      return withDurableExecution(async (_i, ctx: DurableContext) => ctx.step("s", async () => 1), { durableExecutionClient: client })(service.event(), {}).then(
        () => "returned",
        (e: Error) => `${e.name}: ${/ECONNREFUSED/.test(`${e.message} ${String((e.cause as Error | undefined)?.message ?? "")}`)}`,
      );
    };
    const ours = await run(createSignedClient(settingsFromEnvironment(env)!));
    setEnv(env);
    const theirs = await run(sdk()).finally(() => setEnv(lambdaEnv(server.url)));
    expect(ours).toBe("CheckpointError: true");
    expect(ours).toBe(theirs);
  });
});

describe("settings from the environment follow the SDK's rules", () => {
  /** Where @aws-sdk/client-lambda would send a checkpoint with this environment (it stops before sending). */
  async function sdkEndpoint(env: Record<string, string>): Promise<string> {
    setEnv({ HOME, AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S", ...env });
    try {
      const client = new LambdaClient({});
      client.middlewareStack.add(
        () => async (args) => {
          const r = args.request as { protocol: string; hostname: string; port?: number; path: string };
          throw Object.assign(new Error("stop"), { url: `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ""}${r.path}` });
        },
        { step: "build", priority: "low" },
      );
      const { CheckpointDurableExecutionCommand } = await import("@aws-sdk/client-lambda");
      const error = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: "arn", CheckpointToken: "t" })).catch((e: Error & { url?: string }) => e);
      return (error as { url?: string }).url ?? `error: ${(error as Error).message}`;
    } finally {
      setEnv(lambdaEnv(server.url));
    }
  }
  const ours = (env: Record<string, string>) => {
    const s = settingsFromEnvironment({ HOME, AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S", ...env });
    return s ? `${s.endpoint.protocol}//${s.endpoint.host}${s.endpoint.pathname.replace(/\/$/, "")}/2025-12-01/durable-executions/arn/checkpoint` : undefined;
  };
  const same: Array<Record<string, string>> = [
    { AWS_REGION: "us-east-1" },
    { AWS_REGION: "eu-central-2" },
    { AWS_REGION: "cn-northwest-1" },
    { AWS_REGION: "us-gov-west-1" },
    { AWS_REGION: "us-iso-east-1" },
    { AWS_REGION: "us-isob-east-1" },
    { AWS_REGION: "eu-isoe-west-1" },
    { AWS_REGION: "us-isof-south-1" },
    { AWS_REGION: "eusc-de-east-1" },
    { AWS_REGION: "xx-future-9" },
    { AWS_REGION: "us-east-1", AWS_USE_FIPS_ENDPOINT: "true" },
    { AWS_REGION: "cn-north-1", AWS_USE_DUALSTACK_ENDPOINT: "true" },
    { AWS_REGION: "us-gov-east-1", AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
    { AWS_REGION: "us-east-1", AWS_USE_FIPS_ENDPOINT: "false", AWS_USE_DUALSTACK_ENDPOINT: "false" },
    { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_LAMBDA: "http://127.0.0.1:4010" },
    { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: "https://localhost:9000/base" },
    { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: "https://global.example", AWS_ENDPOINT_URL_LAMBDA: "https://lambda.example" },
    { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_LAMBDA: "https://lambda.example", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
  ];
  test.each(same)("%j", async (env) => {
    expect(ours(env)).toBe(await sdkEndpoint(env));
  });

  test("what only the SDK handles falls back to it", async () => {
    expect(ours({ AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_LAMBDA: "https://x.example", AWS_USE_FIPS_ENDPOINT: "true" })).toBeUndefined();
    expect(await sdkEndpoint({ AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_LAMBDA: "https://x.example", AWS_USE_FIPS_ENDPOINT: "true" })).toMatch(/^error: .*FIPS and custom endpoint are not supported/);
    expect(ours({ AWS_REGION: "us-east-1", AWS_USE_FIPS_ENDPOINT: "yes" })).toBeUndefined();
    expect(settingsFromEnvironment({ HOME, AWS_REGION: "us-east-1" })).toBeUndefined(); // no credentials in the environment
    expect(settingsFromEnvironment({ HOME, AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S" })).toBeUndefined(); // no region
    const profileHome = join(HOME, "with-profile");
    mkdirSync(join(profileHome, ".aws"), { recursive: true });
    writeFileSync(join(profileHome, ".aws", "config"), "[default]\nendpoint_url = https://from-config.example\n");
    expect(ours({ HOME: profileHome, AWS_REGION: "us-east-1" })).toBeUndefined();
  });

  test("a LambdaClient passed in the config is used, not the signed client", async () => {
    const client = new LambdaClient({});
    let sends = 0;
    client.middlewareStack.add((next) => (args) => (sends++, next(args)), { step: "initialize" });
    server.service = new MemoryClient({ name: "ada" });
    server.requests.length = 0;
    const output = await withDurableExecution(body, { client })(server.service.event(), {});
    expect(output).toEqual({ Status: "PENDING" });
    expect(sends).toBe(server.requests.length);
    expect(server.requests.every((r) => !String(r.headers["user-agent"]).startsWith("use-durable/"))).toBe(true);
  });
});
