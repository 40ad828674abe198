/**
 * `use-durable dev` as a user runs it: a child process watching a temporary project under .tmp/,
 * executions started and answered with `start`, `history` and `callback` (child processes too),
 * and the watched files edited while two executions wait on callbacks: the one whose change appends
 * a step completes on the new build; the one whose steps were reordered is reported by dev as
 * failing replay with both call sites, and fails so when it resumes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";

const CLI = join(REPO, "cli/main.ts");
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.AWS_ENDPOINT_URL_LAMBDA;
const PROJECT = join(REPO, ".tmp", `cli-dev-${process.pid}`);

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", CLI, ...args], { cwd: PROJECT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const source = (steps: string[], extra = "") => `import { waitForCallback } from "use-durable";
async function a() {
  "use step";
  return "a";
}
async function b() {
  "use step";
  return "b";
}
async function c() {
  "use step";
  return "c";
}
export async function FN() {
  "use durable";
${steps.map((s) => `  const ${s}1 = await ${s}();`).join("\n")}
  const ok = await waitForCallback<string>("approve", async () => {});
${extra}  return [${steps.map((s) => `${s}1`).join(", ")}, ok${extra ? ", c1" : ""}];
}
`;

let dev: ChildProcess;
let output = "";
const until = async (pattern: RegExp): Promise<RegExpMatchArray> => {
  for (;;) {
    const found = pattern.exec(output);
    if (found) return found;
    if (dev.exitCode !== null) throw new Error(`dev ended before ${pattern}:\n${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
/** Polls `history` until the text matches (the execution is driven by dev, in another process). */
const historyUntil = async (name: string, pattern: RegExp): Promise<string> => {
  for (;;) {
    const r = await cli("history", name);
    if (pattern.test(r.stdout)) return r.stdout;
    if (r.code !== 0) throw new Error(r.stderr);
  }
};

beforeAll(() => {
  mkdirSync(PROJECT, { recursive: true });
  writeFileSync(join(PROJECT, "appended.ts"), source(["a"]).replace("FN", "appended"));
  writeFileSync(join(PROJECT, "reordered.ts"), source(["a", "b"]).replace("FN", "reordered"));
  dev = spawn(process.execPath, ["--conditions=source", CLI, "dev"], { cwd: PROJECT, env, stdio: ["ignore", "pipe", "pipe"] });
  dev.stdout!.on("data", (d) => (output += d));
  dev.stderr!.on("data", (d) => (output += d));
});

afterAll(() => {
  if (dev.exitCode === null) dev.kill();
  rmSync(PROJECT, { recursive: true, force: true });
});

it("dev: an edit between two invocations completes one execution on the new build and fails the reordered one with both call sites", async () => {
  const [, api] = await until(/AWS_ENDPOINT_URL_LAMBDA=(http:\/\/127\.0\.0\.1:\d+)/);
  await until(/watching 2 entries/);
  // The web UI it prints serves the page with this run's token (cli-ui.test.ts covers the page itself).
  const ui = /^ {2}UI {7}(http:\/\/127\.0\.0\.1:\d+\/?)$/m.exec(output)?.[1];
  expect(ui, "dev prints the UI's address").toBeDefined();
  const page = await fetch(ui!);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<meta name="[^"]*token[^"]*" content="[^"]+"/);
  expect(output).toMatch(/^registered appended {2}\(appended\.ts#appended\)$/m);
  expect(output).toMatch(/^registered reordered {2}\(reordered\.ts#reordered\)$/m);

  const busy = await cli("dev", "--port", api!.split(":").at(-1)!, "--db", "other.db");
  expect(busy.code).toBe(2);
  expect(busy.stderr).toMatch(/port \d+ is in use\. Choose another with --port/);

  for (const [fn, name] of [["appended", "e1"], ["reordered", "e2"]]) {
    const started = await cli("start", fn!, "--name", name!, "--input", "{}");
    expect(started.stderr).toBe("");
    expect(started.stdout).toMatch(new RegExp(`^arn:aws:lambda:us-east-1:000000000000:function:${fn}:\\$LATEST/durable-execution/${name}/`));
  }
  const ids: Record<string, string> = {};
  for (const name of ["e1", "e2"]) ids[name] = /callback succeed '([^']+)'/.exec(await historyUntil(name, /answer it: /))![1]!;

  writeFileSync(join(PROJECT, "appended.ts"), source(["a"], "  const c1 = await c();\n").replace("FN", "appended"));
  writeFileSync(join(PROJECT, "reordered.ts"), source(["b", "a"]).replace("FN", "reordered"));
  await until(/in flight appended e1: replays on the new build/);
  const [failing] = await until(/in flight reordered e2: FAILS REPLAY on the new build: .*\n/);
  expect(failing).toMatch(/"a" was recorded at reordered\.ts:16:20; the code now calls "b" at reordered\.ts:16:20/);

  for (const name of ["e1", "e2"]) expect((await cli("callback", "succeed", ids[name]!, '"yes"')).code).toBe(0);
  const e1 = await historyUntil("e1", /^(SUCCEEDED|FAILED) /);
  expect(e1).toMatch(/^SUCCEEDED /);
  expect(e1).toContain('result: ["a","yes","c"]');
  const e2 = await historyUntil("e2", /^(SUCCEEDED|FAILED) /);
  expect(e2).toMatch(/^FAILED /);
  expect(e2).toMatch(/error: NonDeterministicExecutionError: .*\("a" was recorded at reordered\.ts:16:20; the code now calls "b" at reordered\.ts:16:20\)/);

  dev.kill("SIGINT");
  const code = await new Promise((resolve) => dev.on("close", resolve));
  expect(code).toBe(0);
  expect(output).toContain("use-durable dev: stopped.");
  expect(existsSync(join(PROJECT, ".use-durable", "endpoint.json"))).toBe(false);
});
