/**
 * `use-durable run` and the thin clients (`executions`, `history`, `callback`, `stop`) as a user types
 * them: child processes in a temporary project under .tmp/, against the project's engine that `run`
 * opens, with executions that succeeded, failed, wait on a callback, wait on a timer and run. Output
 * and exit codes are asserted, piped (no escape codes) and on a pseudo-terminal (`script`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";
import { CLI, cliEnv, killChildren, cli as cliWith, follow as followWith, type Ran } from "./support/cli-process.ts";

const env = cliEnv();
const cli = (cwd: string, ...args: string[]) => cliWith(cwd, env, ...args);
const follow = (cwd: string, ...args: string[]) => followWith(cwd, env, ...args);

const PROJECT = join(REPO, ".tmp", `cli-run-${process.pid}`);
const TIMERS = join(REPO, ".tmp", `cli-run-timers-${process.pid}`);

beforeAll(() => {
  for (const dir of [PROJECT, TIMERS]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(PROJECT, "ok.ts"),
    `import { sleep } from "use-durable";
async function charge(cents: number) {
  "use step";
  return { id: "ch_1", cents };
}
export async function handler(input: { cents: number }) {
  "use durable";
  const receipt = await charge(input.cents);
  await sleep(3600);
  return { receipt };
}
`,
  );
  writeFileSync(
    join(PROJECT, "fail.ts"),
    `async function charge(cents: number): Promise<string> {
  "use step";
  throw new Error("card declined: " + cents);
}
export async function handler(input: { cents: number }) {
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
  const first = await waitForCallback<string>("approve", async () => {});
  const second = await waitForCallback<string>("ship", async () => {});
  return { item: input.item, first, second };
}
export async function other() {
  "use durable";
  return 1;
}
`,
  );
  writeFileSync(join(PROJECT, "plain.ts"), `export const x = 1;\n`);
  writeFileSync(
    join(TIMERS, "slow.ts"),
    `import { sleep } from "use-durable";
export async function handler() {
  "use durable";
  await sleep(7_200_000);
  return "late";
}
`,
  );
});

afterAll(async () => {
  await killChildren();
  for (const dir of [PROJECT, TIMERS]) rmSync(dir, { recursive: true, force: true });
});

describe("use-durable run", () => {
  it("runs to success with --skip-time --json: one JSON object, exit 0", async () => {
    const r = await cli(PROJECT, "run", "ok.ts", "--input", '{"cents":250}', "--skip-time", "--json", "--name", "ok-1");
    // stderr says what it waits for (a callback's command), never the tree.
    expect(r.stderr).not.toMatch(/^charge/m);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; result: unknown; error: unknown; arn: string; history: Array<{ EventType: string }> };
    expect(doc).toMatchObject({ status: "SUCCEEDED", result: { receipt: { id: "ch_1", cents: 250 } }, error: null });
    expect(doc.arn).toMatch(/function:ok:\$LATEST\/durable-execution\/ok-1\//);
    expect(doc.history.map((e) => e.EventType)).toEqual(expect.arrayContaining(["ExecutionStarted", "StepSucceeded", "WaitStarted", "WaitSucceeded", "ExecutionSucceeded"]));
  });

  it("prints a failure as plain lines with the step's call site, exit 1", async () => {
    const r = await cli(PROJECT, "run", "fail.ts", "--input", '{"cents":7}', "--skip-time", "--name", "fail-1");
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("\x1b");
    expect(r.stdout).toMatch(/^charge +step +FAILED/m);
    expect(r.stdout).toMatch(/^FAILED {2}arn:aws:lambda:/m);
    expect(r.stdout).toContain("error: Error: card declined: 7");
    expect(r.stdout).toMatch(/in step charge at fail\.ts:7:16/);
  });

  it("refuses bad input with the fix, exit 2", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["run", "missing.ts"], /no file at missing\.ts\. Give the path/],
      [["run", "plain.ts"], /plain\.ts has no exported durable function\. Export an async function/],
      [["run", "approvals.ts"], /exports 2 durable functions \(approvals, other\)\. Choose one with --export/],
      [["run", "approvals.ts", "--export", "nope"], /no exported durable function named nope\. Its durable exports: approvals, other/],
      [["run", "ok.ts", "--input", "{cents:1}"], /--input is not valid JSON: .*Quote it for the shell/],
      [["run", "ok.ts", "--input", "@nope.json"], /--input: cannot read nope\.json \(ENOENT\)/],
      [["run", "ok.ts", "--bogus"], /Unknown option '--bogus'/],
      [["callback", "succeed"], /expected succeed, fail or heartbeat, then the callback id/],
      [["executions", "--function", "ok"], /no engine running for this project .*use-durable dev/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(PROJECT, ...args)));
    cases.forEach(([args, message], i) => {
      expect({ args, code: results[i]!.code }).toEqual({ args, code: 2 });
      expect(results[i]!.stderr).toMatch(message);
    });
    const help = await cli(PROJECT, "run", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: use-durable run <file.ts>");
  });

  it("waits on callbacks: prints the command, answers from another process, refuses a second answer, lists and shows it", async () => {
    const run = follow(PROJECT, "run", "approvals.ts", "--export", "approvals", "--input", '{"item":"desk"}', "--name", "appr-1");
    const [first] = await run.until(/answer it: use-durable callback succeed '([^']+)' '<json>'/);
    const id = first![1]!;
    expect(run.state.stdout).toMatch(/waiting: callback approve, id /);
    // A second run while this one holds the engine (no dev to register with): refused with what to do.
    const busy = await cli(PROJECT, "run", "ok.ts", "--skip-time");
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/the project's engine is open in another use-durable run \(process \d+, http:\/\/127\.0\.0\.1:\d+\), which registers only its own file\. Wait for it to end \(or stop it\), or start use-durable dev/);

    const list = await cli(PROJECT, "executions", "--function", "ok", "--function", "fail", "--function", "approvals");
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^RUNNING +approvals +appr-1 /m);
    expect(list.stdout).toMatch(/^FAILED +fail +fail-1 /m);
    expect(list.stdout).toMatch(/^SUCCEEDED +ok +ok-1 /m);
    const failedOnly = await cli(PROJECT, "executions", "--function", "fail", "--function", "ok", "--status", "failed", "--json");
    expect((JSON.parse(failedOnly.stdout) as { executions: Array<{ name: string }> }).executions.map((e) => e.name)).toEqual(["fail-1"]);

    const shown = await cli(PROJECT, "history", "appr-1");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^RUNNING {2}appr-1 /);
    expect(shown.stdout).toMatch(/approve +context:WaitForCallback +STARTED/);
    expect(shown.stdout).toContain(`answer it: use-durable callback succeed '${id}' '<json>'`);

    expect((await cli(PROJECT, "callback", "succeed", id, '"yes"')).code).toBe(0);
    const [, second] = await run.until(/answer it: use-durable callback succeed '([^']+)' '<json>'/, 2);
    const again = await cli(PROJECT, "callback", "succeed", id, '"again"');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already answered, timed out or cancelled/);
    const unknown = await cli(PROJECT, "callback", "succeed", "QUJDREVGR0hJSktMTU5PUA==", "1");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/callback succeed QUJDREVGR0hJSktMTU5PUA==: .*use-durable executions/);
    const badPayload = await cli(PROJECT, "callback", "succeed", second![1]!, "{nope");
    expect(badPayload.code).toBe(2);
    expect(badPayload.stderr).toMatch(/the callback result is not valid JSON/);

    expect((await cli(PROJECT, "callback", "succeed", second![1]!, '"shipped"')).code).toBe(0);
    const end = await run.done;
    expect(end.code).toBe(0);
    expect(end.stdout).toContain('"first": "yes"');
    expect(end.stdout).toContain('"second": "shipped"');
  });

  it("waits on a timer with the time left, and stops with exit 1", async () => {
    const run = follow(TIMERS, "run", "slow.ts", "--name", "slow-1");
    await run.until(/waiting: sleep \(wait\), 1h 59m left|waiting: sleep \(wait\), 2h 00m left/);
    const [arn] = await run.until(/arn:aws:lambda:\S+/);
    const missing = await cli(TIMERS, "history", `${arn![0]!}x`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/i);
    const stopped = await cli(TIMERS, "stop", arn![0]!);
    expect(stopped.code).toBe(0);
    const end = await run.done;
    expect(end.code).toBe(1);
    expect(end.stdout).toMatch(/^STOPPED {2}arn:/m);
    expect(existsSync(join(TIMERS, ".use-durable", "endpoint.json"))).toBe(false);
  });

  it("redraws a region on a terminal (script gives it a pseudo-terminal)", async () => {
    const r = await new Promise<Ran>((resolve) => {
      const command = `${process.execPath} --conditions=source ${CLI} run ok.ts --skip-time --name tty-1`;
      const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: PROJECT, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("close", (code) => resolve({ code, stdout, stderr: "" }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\x1b[J");
    expect(r.stdout).toMatch(/\x1b\[\d+F/);
    expect(r.stdout).toContain("SUCCEEDED");
  });
});
