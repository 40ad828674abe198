/**
 * The client over the real @aws-sdk/client-lambda (a LambdaClient passed in the config; without one,
 * Lambda's environment gets the signed client, test/runtime-signed-client.test.ts), pointed at a local
 * fixture server through the standard AWS_ENDPOINT_URL_LAMBDA setting, which checks each signature as
 * the service does. Checks the paths, bodies and token chaining it sends, paging over GET .../state,
 * and that a rejected update fails the execution.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DurableContext } from "../runtime/index.ts";
import { withDurableExecution } from "../runtime/index.ts";
import type { FixtureServer } from "./support/fixture-server.ts";
import { startFixtureServer } from "./support/fixture-server.ts";
import { ARN, MemoryClient } from "./support/memory-client.ts";

const service = new MemoryClient({ name: "ada" });
let server: FixtureServer;
const saved = { ...process.env };

const credentials = { accessKeyId: "test", secretAccessKey: "test-secret" };
let handler: ReturnType<typeof withDurableExecution>;
let client: LambdaClient;

beforeAll(async () => {
  server = await startFixtureServer(service, { verify: { credentials, region: "us-east-1" } });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_LAMBDA: server.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  client = new LambdaClient({});
  handler = withDurableExecution(async (input: { name: string }, ctx: DurableContext) => {
    const greeting = await ctx.step("greet", async () => `hello ${input.name}`);
    await ctx.wait("pause", { seconds: 10 });
    const shout = await ctx.step("shout", async () => greeting.toUpperCase());
    return shout;
  }, { client });
});

afterAll(async () => {
  process.env = saved;
  await server.close();
});

describe("the client over @aws-sdk/client-lambda", () => {
  test("sends checkpoints to the endpoint from AWS_ENDPOINT_URL_LAMBDA, chaining tokens, and pages the state", async () => {
    const first = service.event();
    expect(await handler(first, {})).toEqual({ Status: "PENDING" });
    const path = `/2025-12-01/durable-executions/${encodeURIComponent(ARN)}/checkpoint`;
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${path}`, `POST ${path}`]);
    const [a, b] = server.requests.map((r) => r.body);
    expect(a.CheckpointToken).toBe(first.CheckpointToken);
    expect(a.Updates.map((u: { Action: string; Name: string }) => `${u.Action} ${u.Name}`)).toEqual(["START greet", "SUCCEED greet"]);
    expect(a.Updates[1]).toMatchObject({ Id: "c4ca4238a0b92382", Type: "STEP", SubType: "Step", Payload: '"hello ada"' });
    // the second request carries the token the first response returned
    expect(b.CheckpointToken).not.toBe(a.CheckpointToken);
    expect(b.CheckpointToken).toMatch(/^token-/);
    expect(b.Updates).toEqual([{ Id: "c81e728d9d4c2f63", Type: "WAIT", SubType: "Wait", Action: "START", Name: "pause", WaitOptions: { WaitSeconds: 10 } }]);

    service.advance();
    server.requests.length = 0;
    service.pageLimit = 1;
    const second = service.event(1);
    expect(await handler(second, {})).toEqual({ Status: "SUCCEEDED", Result: '"HELLO ADA"' });
    const gets = server.requests.filter((r) => r.method === "GET");
    expect(gets.map((r) => r.path)).toEqual(Array(gets.length).fill(`/2025-12-01/durable-executions/${encodeURIComponent(ARN)}/state`));
    expect(gets.map((r) => r.query)).toEqual([
      { CheckpointToken: second.CheckpointToken, Marker: "1", MaxItems: "1000" },
      { CheckpointToken: second.CheckpointToken, Marker: "2", MaxItems: "1000" },
    ]);
    expect(server.requests.filter((r) => r.method === "POST").map((r) => r.body.Updates.map((u: { Action: string }) => u.Action))).toEqual([["START", "SUCCEED"]]);
  });

  test("a 4xx answer from the service fails the execution with a coded error", async () => {
    const fresh = new MemoryClient({ name: "x" });
    fresh.failures = [new Error("Invalid parent operation id")];
    server.service = fresh;
    const output = await withDurableExecution(async (_i, ctx: DurableContext) => ctx.step("s", async () => 1), { client })(fresh.event(), {});
    expect(output).toMatchObject({ Status: "FAILED", Error: { ErrorType: "CheckpointError", ErrorMessage: expect.stringMatching(/HTTP 400.*Invalid parent operation id/) } });
  });
});
