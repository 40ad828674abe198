/**
 * The real @aws-sdk/client-lambda against the engine's HTTP API: every durable command and Invoke,
 * their errors (type, status, message) and paging; the runtime's Lambda client driving a handler
 * over HTTP; the raw wire (x-amzn-errortype, bodies, 127.0.0.1 only).
 */
import {
  CheckpointDurableExecutionCommand, GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, GetDurableExecutionStateCommand,
  InvokeCommand, LambdaClient, ListDurableExecutionsByFunctionCommand, SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand, SendDurableExecutionCallbackSuccessCommand, StopDurableExecutionCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import { createEngine, type Engine } from "../engine/index.ts";

let engine: Engine;
let client: LambdaClient;
const decoder = new TextDecoder();
const json = (payload: Uint8Array | undefined) => JSON.parse(decoder.decode(payload));
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Handlers parked here return when the test says so (for commands that need a live token). */
const parked: Array<{ event: any; release(output: unknown): void }> = [];
const waitParked = async () => {
  while (parked.length === 0) await new Promise((r) => setTimeout(r, 5));
  return parked.shift()!;
};

beforeAll(async () => {
  // The real clock: an HTTP caller answering a callback cannot race a skipped one (its timeouts).
  engine = await createEngine({ database: ":memory:", clock: "real", http: true });
  client = new LambdaClient({ endpoint: engine.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
  engine.register("approvals", {
    handler: withDurableExecution(async (event: { item: string }, ctx) => {
      const [answer] = await ctx.createCallback<string>("approve", { timeout: { days: 2 }, heartbeatTimeout: { hours: 1 } });
      const verdict = await answer;
      await ctx.wait("cool-off", { seconds: 1 });
      return { item: event.item, verdict };
    }),
  });
  engine.register("doubler", { handler: withDurableExecution(async (event: { n: number }, ctx) => ctx.step("double", async () => event.n * 2)) });
  engine.register("broken", { handler: withDurableExecution(async (_event, ctx) => ctx.step("boom", async () => { throw new RangeError("out of range"); }, { retryStrategy: () => ({ shouldRetry: false }) })) });
  engine.register("plain", { handler: async (event: { n: number }) => ({ plus: event.n + 1 }) }, { durable: false });
  engine.register("parked", { handler: (event: unknown) => new Promise((release) => parked.push({ event, release })) });
  // The runtime's own Lambda client (runtime/protocol/lambda-client.ts) over HTTP, not the injected one.
  const viaHttp = withDurableExecution(async (event: { n: number }, ctx) => {
    const a = await ctx.step("a", async () => event.n + 1);
    await ctx.wait("w", { seconds: 1 });
    return ctx.step("b", async () => a * 10);
  }, { client });
  engine.register("http-client", { handler: (event: Record<string, unknown>, context: unknown) => viaHttp({ ...event, durableExecutionClient: undefined }, context) });
});
afterAll(() => engine.close());

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the command to fail");
    },
    (error: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => ({ name: error.name, status: error.$metadata.httpStatusCode, message: error.message }),
  );

describe("Invoke", () => {
  test("RequestResponse waits for the result; the ARN comes back in X-Amz-Durable-Execution-Arn", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "doubler", Payload: payload({ n: 21 }) }));
    expect(out.StatusCode).toBe(200);
    expect(json(out.Payload)).toBe(42);
    expect(out.DurableExecutionArn).toMatch(/function:doubler:\$LATEST\/durable-execution\//);
    expect(out.FunctionError).toBeUndefined();
  });

  test("a failed execution answers 200 with X-Amz-Function-Error and Lambda's error payload", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "broken" }));
    expect(out.FunctionError).toBe("Unhandled");
    expect(json(out.Payload)).toMatchObject({ errorType: "StepError", errorMessage: "out of range" });
  });

  test("Event starts it and answers 202; the same name and payload is the same execution, another payload a conflict", async () => {
    const start = () => client.send(new InvokeCommand({ FunctionName: "approvals", InvocationType: "Event", DurableExecutionName: "order-7", Payload: payload({ item: "desk" }) }));
    const first = await start();
    expect(first.StatusCode).toBe(202);
    expect((await start()).DurableExecutionArn).toBe(first.DurableExecutionArn);
    const conflict = await errorOf(client.send(new InvokeCommand({ FunctionName: "approvals", InvocationType: "Event", DurableExecutionName: "order-7", Payload: payload({ item: "lamp" }) })));
    expect(conflict).toMatchObject({ name: "DurableExecutionAlreadyStartedException", status: 409 });
    expect(await errorOf(client.send(new InvokeCommand({ FunctionName: "approvals", InvocationType: "Event", DurableExecutionName: "bad name!" })))).toMatchObject({ name: "InvalidParameterValueException", status: 400 });
  });

  test("a plain function is called once; unknown functions and bad payloads are refused as Lambda refuses them", async () => {
    expect(json((await client.send(new InvokeCommand({ FunctionName: "plain", Payload: payload({ n: 1 }) }))).Payload)).toEqual({ plus: 2 });
    expect(await errorOf(client.send(new InvokeCommand({ FunctionName: "nope" })))).toMatchObject({
      name: "ResourceNotFoundException", status: 404, message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    });
    expect(await errorOf(client.send(new InvokeCommand({ FunctionName: "doubler", Payload: new TextEncoder().encode("{not json") })))).toMatchObject({ name: "InvalidRequestContentException", status: 400 });
    expect(await errorOf(client.send(new InvokeCommand({ FunctionName: "doubler", InvocationType: "Event", Payload: payload("x".repeat(1024 * 1024 + 10)) })))).toMatchObject({ name: "RequestTooLargeException", status: 413 });
  });
});

describe("callbacks, executions, history", () => {
  test("a callback answered over HTTP; errors for answered, unknown, malformed and oversized ids", async () => {
    const { DurableExecutionArn: arn } = await client.send(new InvokeCommand({ FunctionName: "approvals", InvocationType: "Event", Payload: payload({ item: "chair" }) }));
    let callbackId: string | undefined;
    while (!callbackId) {
      const history = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }));
      callbackId = history.Events?.find((e) => e.EventType === "CallbackStarted")?.CallbackStartedDetails?.CallbackId;
      if (!callbackId) await new Promise((r) => setTimeout(r, 5));
    }
    await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
    expect(await errorOf(client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new Uint8Array(300 * 1024) })))).toMatchObject({ name: "RequestTooLargeException", status: 413 });
    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode("approved") }));
    expect(await errorOf(client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: { ErrorMessage: "late" } })))).toMatchObject({ name: "CallbackTimeoutException", status: 400 });
    expect(await errorOf(client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: "QUJDREVGR0hJSktMTU5PUA==" })))).toMatchObject({ name: "ResourceNotFoundException", status: 404 });
    expect(await errorOf(client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: "not-base64!" })))).toMatchObject({ name: "InvalidParameterValueException", status: 400 });
    const done = await engine.waitFor(arn!);
    expect(done.Result).toBe('{"item":"chair","verdict":"approved"}');

    const described = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(described).toMatchObject({ DurableExecutionArn: arn, Status: "SUCCEEDED", InputPayload: '{"item":"chair"}', Result: '{"item":"chair","verdict":"approved"}', FunctionArn: expect.stringMatching(/function:approvals/) });
    expect(described.StartTimestamp).toBeInstanceOf(Date);
    expect(described.EndTimestamp!.getTime() - described.StartTimestamp!.getTime()).toBeGreaterThanOrEqual(1000); // the wait
    const lean = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn, IncludeExecutionData: false }));
    expect(lean.Result).toBeUndefined();

    const pages: string[][] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, MaxItems: 3, Marker: marker }));
      pages.push(page.Events!.map((e) => e.EventType!));
      marker = page.NextMarker;
    } while (marker);
    expect(pages.flat()).toEqual([
      "ExecutionStarted", "CallbackStarted", "InvocationCompleted", "CallbackSucceeded", "WaitStarted", "InvocationCompleted",
      "WaitSucceeded", "InvocationCompleted", "ExecutionSucceeded",
    ]);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3]);
    const reversed = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, ReverseOrder: true, MaxItems: 2, IncludeExecutionData: false }));
    expect(reversed.Events!.map((e) => e.EventType)).toEqual(["ExecutionSucceeded", "InvocationCompleted"]);
    expect(reversed.Events![0]!.ExecutionSucceededDetails?.Result).toEqual({ Truncated: true });
    const started = (await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events!.find((e) => e.EventType === "CallbackStarted")!;
    expect(started).toMatchObject({ EventId: 2, Name: "approve", SubType: "Callback", CallbackStartedDetails: { CallbackId: callbackId, Timeout: 172800, HeartbeatTimeout: 3600 } });
    expect(started.EventTimestamp).toBeInstanceOf(Date);
  });

  test("ListDurableExecutionsByFunction filters and pages; Stop ends a running execution once", async () => {
    const arns: string[] = [];
    for (const item of ["a", "b", "c"]) {
      arns.push((await client.send(new InvokeCommand({ FunctionName: "approvals", InvocationType: "Event", DurableExecutionName: `list-${item}`, Payload: payload({ item }) }))).DurableExecutionArn!);
    }
    const stopped = await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arns[0], Error: { ErrorType: "Cancelled", ErrorMessage: "customer left" } }));
    expect(stopped.StopTimestamp).toBeInstanceOf(Date);
    expect(await errorOf(client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arns[0] })))).toMatchObject({ name: "InvalidParameterValueException", status: 400 });
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arns[0] })))).toMatchObject({ Status: "STOPPED", Error: { ErrorType: "Cancelled", ErrorMessage: "customer left" } });

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "approvals", MaxItems: 2, Marker: marker }));
      seen.push(...page.DurableExecutions!.map((e) => e.DurableExecutionName!));
      marker = page.NextMarker;
    } while (marker);
    expect(seen.filter((n) => n.startsWith("list-"))).toEqual(["list-a", "list-b", "list-c"]);
    const onlyStopped = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "approvals", Statuses: ["STOPPED"] }));
    expect(onlyStopped.DurableExecutions!.map((e) => e.DurableExecutionName)).toEqual(["list-a"]);
    const byName = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "approvals", DurableExecutionName: "list-b", StartedAfter: new Date(0) }));
    expect(byName.DurableExecutions).toEqual([expect.objectContaining({ DurableExecutionArn: arns[1], Status: "RUNNING", StartTimestamp: expect.any(Date) })]);
    const newestFirst = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "approvals", ReverseOrder: true, MaxItems: 1 }));
    expect(newestFirst.DurableExecutions![0]!.DurableExecutionName).toBe("list-c");
    expect(await errorOf(client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "approvals", MaxItems: 1001 })))).toMatchObject({ name: "InvalidParameterValueException" });
    expect(await errorOf(client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "nope" })))).toMatchObject({ name: "ResourceNotFoundException", status: 404 });
    expect(await errorOf(client.send(new GetDurableExecutionCommand({ DurableExecutionArn: `${arns[0]}x` })))).toMatchObject({ name: "ResourceNotFoundException", status: 404 });
    for (const arn of arns.slice(1)) await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn }));
  });
});

describe("the checkpoint commands", () => {
  test("Checkpoint and GetDurableExecutionState with a live token: paging, stale tokens, ClientToken retries", async () => {
    await client.send(new InvokeCommand({ FunctionName: "parked", InvocationType: "Event" }));
    const { event, release } = await waitParked();
    const arn: string = event.DurableExecutionArn;
    const first = await client.send(
      new CheckpointDurableExecutionCommand({
        DurableExecutionArn: arn,
        CheckpointToken: event.CheckpointToken,
        ClientToken: "retry-1",
        Updates: [
          { Id: "c1", Type: "CONTEXT", Action: "START", SubType: "RunInChildContext", Name: "ctx" },
          { Id: "s1", ParentId: "c1", Type: "STEP", Action: "SUCCEED", Payload: "1" },
          { Id: "s2", ParentId: "c1", Type: "STEP", Action: "SUCCEED", Payload: "2" },
          { Id: "w1", Type: "WAIT", Action: "START", WaitOptions: { WaitSeconds: 60 } },
        ],
      }),
    );
    expect(first.NewExecutionState!.Operations!.map((o) => [o.Id, o.Status])).toEqual([["c1", "STARTED"], ["s1", "SUCCEEDED"], ["s2", "SUCCEEDED"], ["w1", "STARTED"]]);
    expect(first.NewExecutionState!.Operations![3]!.WaitDetails!.ScheduledEndTimestamp).toBeInstanceOf(Date);
    const retried = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: event.CheckpointToken, ClientToken: "retry-1", Updates: [] }));
    expect(retried.CheckpointToken).toBe(first.CheckpointToken);
    const stale = await errorOf(client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: event.CheckpointToken, Updates: [] })));
    expect(stale).toEqual({ name: "InvalidParameterValueException", status: 400, message: "Invalid checkpoint token" });
    const invalid = await errorOf(client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: first.CheckpointToken, Updates: [{ Id: "x", ParentId: "s1", Type: "STEP", Action: "START" }] })));
    expect(invalid).toMatchObject({ name: "InvalidParameterValueException", message: "Invalid parent operation id." });

    const ids: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: first.CheckpointToken, MaxItems: 2, Marker: marker }));
      ids.push(...page.Operations!.map((o) => o.Id!));
      marker = page.NextMarker;
    } while (marker);
    expect(ids.slice(1)).toEqual(["c1", "s1", "s2", "w1"]);
    expect(await errorOf(client.send(new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: "nope" })))).toMatchObject({ message: "Invalid checkpoint token" });
    release({ Status: "PENDING" });
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn }));
  });

  test("the runtime's Lambda client drives a handler through the HTTP API", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "http-client", Payload: payload({ n: 4 }) }));
    expect(json(out.Payload)).toBe(50);
    const history = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: out.DurableExecutionArn }));
    expect(history.Events!.filter((e) => e.EventType === "InvocationCompleted")).toHaveLength(2);
  });
});

describe("the raw wire", () => {
  test("errors carry x-amzn-errortype and the service's body; unknown routes and non-JSON bodies; 127.0.0.1 only", async () => {
    expect(new URL(engine.url!).hostname).toBe("127.0.0.1");
    const bad = await fetch(`${engine.url}/2025-12-01/durable-executions/arn%3Anope/checkpoint`, { method: "POST", body: "{oops" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
    const missing = await fetch(`${engine.url}/2025-12-01/durable-executions/arn%3Anope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    expect(await missing.json()).toEqual({ Type: "User", Message: "Durable execution not found: arn:nope" });
    const unknown = await fetch(`${engine.url}/2025-12-01/somewhere`);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });
});

describe("the host's own routes (engine.extend)", () => {
  test("serve a path under /use-durable/ beside Lambda's API, without the authenticator; any other path is refused", async () => {
    expect(() => engine.extend("/2025-12-01/functions/x", async () => {})).toThrow(/must start with \/use-durable\/.*Lambda's API owns every other path/);
    expect(() => engine.extend("/use-durable/", async () => {})).toThrow(/must start with \/use-durable\//);
    engine.extend("/use-durable/test/echo", async (request, response) => {
      let body = "";
      for await (const chunk of request) body += chunk;
      response.writeHead(201, { "content-type": "text/plain" });
      response.end(`${request.method} ${body}`);
    });
    const echoed = await fetch(`${engine.url}/use-durable/test/echo`, { method: "POST", body: "hi" });
    expect({ status: echoed.status, text: await echoed.text() }).toEqual({ status: 201, text: "POST hi" });
    // Another path under the prefix is no route of anyone's: Lambda's answer for an unknown path.
    const other = await fetch(`${engine.url}/use-durable/test/other`, { method: "POST" });
    expect(other.status).toBe(404);
    expect(other.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    // Lambda's routes are unchanged beside it.
    expect(json((await client.send(new InvokeCommand({ FunctionName: "plain", Payload: payload({ n: 1 }) }))).Payload)).toEqual({ plus: 2 });
  });
});
