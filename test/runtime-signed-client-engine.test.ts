/**
 * The default client without the AWS SDK (runtime/protocol/signed-client.ts) against the engine's HTTP
 * API (engine/http/), as a Lambda would reach the service: Lambda's environment variables, no client in
 * the config, none on the event. The engine's authenticator seam records every request as it arrived,
 * and each signature is recomputed the way the service checks it (test/support/sigv4-verify.ts:
 * @smithy/signature-v4, the AWS SDK's own signer, from the raw path, query, signed headers and body).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createEngine, type Engine } from "../engine/index.ts";
import { StepSemantics, withDurableExecution } from "../runtime/index.ts";
import { signatureProblem } from "./support/sigv4-verify.ts";

const CREDENTIALS = { accessKeyId: "AKIDENGINE", secretAccessKey: "engine/Secret+Key=EXAMPLE", sessionToken: "IQoJengine//token=" };
const HOME = join(import.meta.dirname, "..", ".tmp", "signed-client-engine-home");
const saved = { ...process.env };
let engine: Engine;

interface Arrived {
  method: string;
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const arrived: Arrived[] = [];

beforeAll(async () => {
  rmSync(HOME, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  // One operation per page of state: the invocation after the wait pages the rest with GET .../state.
  engine = await createEngine({ database: ":memory:", clock: "skip", statePageSize: 1 });
  const url = await engine.serve({
    authenticator: (request) => {
      const search = request.query.toString();
      arrived.push({ method: request.method, rawUrl: request.path + (search ? `?${search}` : ""), headers: { ...request.headers }, body: request.body.toString("utf8") });
      return { ok: true };
    },
  });
  // Lambda's environment, and nothing of the machine's own AWS settings (HOME has no ~/.aws).
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_LAMBDA: url,
    HOME,
  });
  const handler = withDurableExecution(async (event: { n: number }, ctx) => {
    const a = await ctx.step("a", async () => event.n + 1);
    await ctx.wait("w", { seconds: 30 });
    const b = await ctx.step("b", async () => a * 10, { semantics: StepSemantics.AtMostOncePerRetry });
    return ctx.step("c", async () => `${b}!`);
  });
  // The engine injects its own client on the event; without it, the runtime builds the default one.
  engine.register("over-http", { handler: (event: Record<string, unknown>, context: unknown) => handler({ ...event, durableExecutionClient: undefined } as never, context) });
  engine.begin();
});

afterAll(() => {
  process.env = saved;
  engine.close();
});

test("a handler on the default client runs to its end through the engine's HTTP API, every request signed as the service checks", async () => {
  const { arn } = engine.start("over-http", { payload: { n: 4 } });
  const view = await engine.waitFor(arn);
  expect(view).toMatchObject({ Status: "SUCCEEDED", Result: '"50!"' });

  const calls = arrived.map((r) => `${r.method} ${r.rawUrl.split("?")[0]!.split("/").pop()}`);
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.every((c) => c === "POST checkpoint" || c === "GET state")).toBe(true);
  expect(calls).toContain("GET state"); // its query (CheckpointToken, Marker) is signed too
  expect(arrived.every((r) => decodeURIComponent(r.rawUrl).includes(arn))).toBe(true);
  expect(arrived.every((r) => String(r.headers["user-agent"]).startsWith("use-durable/"))).toBe(true);
  const problems = await Promise.all(arrived.map((r) => signatureProblem(r, CREDENTIALS, "us-east-1")));
  expect(problems).toEqual(arrived.map(() => undefined));

  // The check bites: the same request with one byte of its body changed, or signed for another region.
  const first = arrived.find((r) => r.method === "POST")!;
  expect(await signatureProblem({ ...first, body: first.body.replace("{", "{ ") }, CREDENTIALS, "us-east-1")).toMatch(/signature we calculated does not match/);
  expect(await signatureProblem(first, { ...CREDENTIALS, secretAccessKey: "other" }, "us-east-1")).toMatch(/does not match/);
});
