/**
 * `use-durable run` beside a running `use-durable dev`, as a user types them: dev watches one entry
 * of a temporary project under .tmp/; `run` builds other files of it (dev does not watch them), so
 * each execution can only run if `run` registered it through dev's registration route. Covered: the
 * result and exit code, plain lines without a TTY, the `--json` document, the execution listed by
 * `executions` and dev's UI, a callback answered from a third process, the route refusing requests
 * without the secret (or from another site, or for a file outside the project), `--skip-time`
 * refused, an older dev without the route, and dev dying while run follows.
 */
import { spawn } from "node:child_process";
import { readFileSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";
import { CLI, cli as cliWith, cliEnv, follow as followWith, killChildren, type Ran } from "./support/cli-process.ts";

const env = cliEnv();
const PROJECT = join(REPO, ".tmp", `cli-run-dev-${process.pid}`);
const OLD = join(REPO, ".tmp", `cli-run-dev-old-${process.pid}`);
const cli = (...args: string[]) => cliWith(PROJECT, env, ...args);
const follow = (...args: string[]) => followWith(PROJECT, env, ...args);

/** A durable function whose first operation is a callback ("approve") or a step ("a"). */
const versions = (order: Array<"approve" | "a">) => `import { waitForCallback } from "use-durable";
async function a() {
  "use step";
  return "a";
}
export async function versions() {
  "use durable";
${order.map((op) => (op === "a" ? `  await a();` : `  await waitForCallback<string>("approve", async () => {});`)).join("\n")}
  return "done";
}
`;

let dev: ReturnType<typeof followWith>;
let api = "";
let oldServer: Server | undefined;

interface EndpointJson {
  endpoint: string;
  pid: number;
  command: string;
  functions: string[];
  secret?: string;
}
const endpointJson = () => JSON.parse(readFileSync(join(PROJECT, ".use-durable", "endpoint.json"), "utf8")) as EndpointJson;

beforeAll(async () => {
  for (const dir of [PROJECT, OLD]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(PROJECT, "watched.ts"),
    `export async function watched() {
  "use durable";
  return "watched";
}
`,
  );
  writeFileSync(
    join(PROJECT, "ok.ts"),
    `async function charge(cents: number) {
  "use step";
  return { id: "ch_1", cents };
}
export async function handler(input: { cents: number }) {
  "use durable";
  const receipt = await charge(input.cents);
  return { receipt };
}
`,
  );
  writeFileSync(
    join(PROJECT, "fail.ts"),
    `import { FatalError } from "use-durable";
async function charge(cents: number): Promise<string> {
  "use step";
  // Fatal: no retries, whose backoff dev's real clock would wait through.
  throw new FatalError("card declined: " + cents);
}
export async function declined(input: { cents: number }) {
  "use durable";
  return await charge(input.cents);
}
`,
  );
  writeFileSync(
    join(PROJECT, "approvals.ts"),
    `import { waitForCallback } from "use-durable";
export async function approvals(input: { item: string }) {
  "use durable";
  const ok = await waitForCallback<string>("approve", async () => {});
  return { item: input.item, ok };
}
`,
  );
  writeFileSync(join(PROJECT, "versions.ts"), versions(["approve"]));
  writeFileSync(join(OLD, "ok.ts"), readFileSync(join(PROJECT, "ok.ts"), "utf8"));
  writeFileSync(join(PROJECT, "outside.mjs"), "export const handler = async () => 1;\n");
  writeFileSync(join(OLD, "evil.mjs"), "export const handler = async () => 1;\n");
  // Inside the project by its name, outside by where it points.
  symlinkSync(join(OLD, "evil.mjs"), join(PROJECT, "linked.mjs"));
  dev = followWith(PROJECT, env, "dev", "watched.ts");
  const [found] = await dev.until(/AWS_ENDPOINT_URL_LAMBDA=(http:\/\/127\.0\.0\.1:\d+)/);
  api = found![1]!;
  await dev.until(/watching 1 entry/);
});

afterAll(async () => {
  await killChildren();
  await new Promise<void>((resolve) => (oldServer ? oldServer.close(() => resolve()) : resolve()));
  for (const dir of [PROJECT, OLD]) rmSync(dir, { recursive: true, force: true });
});

describe("use-durable run beside use-durable dev", () => {
  it("registers the file with dev, runs it there and prints plain lines without a TTY, exit 0", async () => {
    const r = await cli("run", "ok.ts", "--input", '{"cents":250}', "--name", "ok-1");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\x1b");
    expect(r.stdout).toMatch(new RegExp(`^use-durable run: ok \\(ok\\.ts#handler\\) on use-durable dev \\(process ${dev.state.child.pid}\\)$`, "m"));
    expect(r.stdout).toMatch(/^charge +step +SUCCEEDED/m);
    expect(r.stdout).toMatch(/^SUCCEEDED {2}arn:aws:lambda:us-east-1:000000000000:function:ok:\$LATEST\/durable-execution\/ok-1\//m);
    expect(r.stdout).toContain('"cents": 250');
    // dev registered it (the name run uses: the file's name for `handler`) and lists it for the other commands.
    await dev.until(/^registered ok {2}\(use-durable run: \.use-durable\/run\/dev\/[^/]+\/ok\.mjs#handler\)$/m);
    expect(endpointJson().functions).toEqual(expect.arrayContaining(["watched", "ok"]));
  });

  it("--json prints one document { status, result, error, arn, history } and exits 1 on a failure", async () => {
    const r = await cli("run", "fail.ts", "--input", '{"cents":7}', "--name", "fail-1", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { status: string; result: unknown; error: { ErrorMessage?: string }; arn: string; history: Array<{ EventType: string; EventTimestamp: unknown }> };
    expect(Object.keys(doc)).toEqual(["status", "result", "error", "arn", "history"]);
    expect(doc).toMatchObject({ status: "FAILED", result: null, error: { ErrorMessage: "card declined: 7" } });
    expect(doc.arn).toMatch(/function:declined:\$LATEST\/durable-execution\/fail-1\//);
    expect(doc.history.map((e) => e.EventType)).toEqual(expect.arrayContaining(["ExecutionStarted", "StepFailed", "ExecutionFailed"]));
    // Epoch milliseconds, as run on its own engine prints them.
    expect(typeof doc.history[0]!.EventTimestamp).toBe("number");
  });

  it("lists the executions with use-durable executions and in dev's UI", async () => {
    const list = await cli("executions");
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^SUCCEEDED +ok +ok-1 /m);
    expect(list.stdout).toMatch(/^FAILED +declined +fail-1 /m);
    const ui = /^ {2}UI {7}(http:\/\/127\.0\.0\.1:\d+)\/?$/m.exec(dev.state.stdout)![1]!;
    const rows = (await (await fetch(`${ui}/api/executions`)).json()) as { executions: Array<{ name: string; function: string; status: string }> };
    expect(rows.executions).toEqual(expect.arrayContaining([expect.objectContaining({ name: "ok-1", function: "ok", status: "SUCCEEDED" })]));
    // With run's manifest: the UI shows where each operation is in the source.
    const arn = (rows.executions as Array<{ name: string; arn?: string }>).find((e) => e.name === "ok-1")!.arn!;
    const detail = (await (await fetch(`${ui}/api/execution?arn=${encodeURIComponent(arn)}`)).json()) as { operations: Array<{ name?: string; location?: string }> };
    expect(detail.operations.find((op) => op.name === "charge")?.location).toMatch(/^ok\.ts:\d+:\d+$/);
  });

  it("waits on a callback answered by use-durable callback from a third process", async () => {
    const run = follow("run", "approvals.ts", "--input", '{"item":"desk"}', "--name", "appr-1");
    const [waiting] = await run.until(/answer it: use-durable callback succeed '([^']+)' '<json>'/);
    expect(run.state.stdout).toMatch(/waiting: callback approve, id /);
    const answered = await cli("callback", "succeed", waiting![1]!, '"yes"');
    expect(answered.stderr).toBe("");
    expect(answered.code).toBe(0);
    const end = await run.done;
    expect(end.code).toBe(0);
    expect(end.stdout).toMatch(/^SUCCEEDED {2}arn:/m);
    expect(end.stdout).toContain('"ok": "yes"');
  });

  it("redraws a region on a terminal beside dev (script gives it a pseudo-terminal)", async () => {
    const r = await new Promise<Ran>((resolve) => {
      const command = `${process.execPath} --conditions=source ${CLI} run ok.ts --input '{"cents":1}' --name tty-1`;
      const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: PROJECT, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("close", (code) => resolve({ code, stdout, stderr: "" }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\x1b[J");
    expect(r.stdout).toMatch(/SUCCEEDED {2}arn:aws:lambda:\S+tty-1\//);
  });

  it("re-registering a name reports the executions in flight that fail replay on run's build; Ctrl-C leaves them in dev", async () => {
    const first = follow("run", "versions.ts", "--name", "v-1");
    await first.until(/answer it: use-durable callback succeed/);
    writeFileSync(join(PROJECT, "versions.ts"), versions(["a"]));
    const second = await cli("run", "versions.ts", "--name", "v-2");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^SUCCEEDED {2}arn:\S+v-2\//m);
    const [failing] = await dev.until(/in flight versions v-1: FAILS REPLAY on the new build: .*\n/);
    expect(failing![0]).toMatch(/"approve" was recorded at versions\.ts:\d+:\d+; the code now calls "a" at versions\.ts:\d+:\d+/);
    first.state.child.kill("SIGINT");
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted; execution arn:\S+v-1\/\S+ keeps running in use-durable dev \(process \d+\)/);
  });

  it("refuses --skip-time beside dev, saying why and what to do", async () => {
    const r = await cli("run", "ok.ts", "--skip-time");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--skip-time cannot apply beside use-durable dev \(process \d+\): dev's engine runs every execution it holds on real time/);
    expect(r.stderr).toMatch(/Drop --skip-time .* or stop dev and run again/);
  });

  it("keeps the secret in a file only its owner reads, and refuses requests without it, from another site, of another shape or outside the project", async () => {
    const record = endpointJson();
    expect(record.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (process.platform !== "win32") expect(statSync(join(PROJECT, ".use-durable", "endpoint.json")).mode & 0o777).toBe(0o600);
    const good = { name: "direct", bundle: "outside.mjs", export: "handler", manifest: ".use-durable/endpoint.json" };
    // node:http, not fetch: the test sets Host and Origin as another site's page would send them.
    const post = (headers: Record<string, string>, body: unknown) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${api}/use-durable/dev/register`, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.end(JSON.stringify(body));
      });
    const secret = { "x-use-durable-token": record.secret! };

    const none = await post({}, good);
    expect(none.status).toBe(403);
    expect(JSON.parse(none.text)).toEqual({ error: { type: "Forbidden", message: "use-durable dev refuses to register: missing or wrong x-use-durable-token header (use-durable run reads it from .use-durable/endpoint.json)" } });
    expect((await post({ "x-use-durable-token": "wrong" }, good)).status).toBe(403);
    const site = await post({ ...secret, origin: "https://evil.example" }, good);
    expect(site.status).toBe(403);
    expect(site.text).toContain("Origin https://evil.example may not change executions");
    const rebound = await post({ ...secret, host: "evil.example" }, good);
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('Host \\"evil.example\\" is not');

    const shape = await post(secret, { ...good, code: "process.exit()" });
    expect(shape.status).toBe(400);
    expect(shape.text).toContain("the body must be { name, bundle, export, manifest }, all strings; unknown: code");
    const missing = await post(secret, { name: "x" });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("missing or not a string: bundle, export, manifest");
    for (const bundle of [join(OLD, "evil.mjs"), "../../package.json", "linked.mjs"]) {
      const outside = await post(secret, { ...good, bundle });
      expect({ bundle, status: outside.status }).toEqual({ bundle, status: 400 });
      expect(outside.text).toContain("is outside the project root");
    }
    const notManifest = await post(secret, good);
    expect(notManifest.status).toBe(400);
    expect(notManifest.text).toContain("is not a build manifest");
    // Nothing of it was registered, and Lambda's API is unchanged beside the route.
    expect(endpointJson().functions).not.toContain("direct");
    const lambda = await fetch(`${api}/use-durable/dev/other`, { method: "POST" });
    expect(lambda.status).toBe(404);
    expect(lambda.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });

  it("says to restart an older dev that has no registration route", async () => {
    // An older dev: its record has no secret, and its API answers the route as Lambda's API does (404).
    oldServer = createServer((request, response) => {
      request.resume();
      response.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "UnknownOperationException" });
      response.end(JSON.stringify({ message: `No durable execution API at ${request.method} ${request.url}.` }));
    });
    await new Promise<void>((resolve) => oldServer!.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(oldServer.address() as AddressInfo).port}`;
    mkdirSync(join(OLD, ".use-durable"), { recursive: true });
    const record = { endpoint, pid: process.pid, command: "dev", functions: [] as string[] };
    writeFileSync(join(OLD, ".use-durable", "endpoint.json"), JSON.stringify(record));
    const noSecret = await cliWith(OLD, env, "run", "ok.ts");
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/use-durable dev \(process \d+, http:\/\/127\.0\.0\.1:\d+\) has no registration route for run: it is an older use-durable\. Stop that use-durable dev/);
    writeFileSync(join(OLD, ".use-durable", "endpoint.json"), JSON.stringify({ ...record, secret: "s" }));
    const notFound = await cliWith(OLD, env, "run", "ok.ts");
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toMatch(/has no registration route for run \(404: No durable execution API at POST \/use-durable\/dev\/register\.\): it is an older use-durable/);
    // The running dev, with a record whose secret is not dev's.
    writeFileSync(join(OLD, ".use-durable", "endpoint.json"), JSON.stringify({ endpoint: api, pid: dev.state.child.pid, command: "dev", functions: [], secret: "not-the-secret" }));
    const wrong = await cliWith(OLD, env, "run", "ok.ts");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused to register ok \(403: use-durable dev refuses to register: missing or wrong x-use-durable-token header .*\)\. \.use-durable\/endpoint\.json must be the one that dev wrote/);
  });

  it("ends with a clear error when dev dies while run follows (last: it stops dev)", async () => {
    const run = follow("run", "approvals.ts", "--input", '{"item":"lamp"}', "--name", "appr-2");
    await run.until(/answer it: use-durable callback succeed/);
    dev.state.child.kill("SIGKILL");
    const end = await run.done;
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(/use-durable run: use-durable dev \(process \d+\) (stopped answering at http:\/\/127\.0\.0\.1:\d+|ended) while run followed arn:aws:lambda:\S+appr-2\/\S+\. The execution is kept in the project's database and resumes once an engine registers approvals again/);
  });
});
