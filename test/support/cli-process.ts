/**
 * The `use-durable` command as a user types it, for the CLI tests: a child process from the
 * TypeScript sources (`--conditions=source`) in a project folder, its output collected, its exit
 * awaited (async spawn only: a blocked worker leaves vitest's RPCs unanswered). `follow` keeps one
 * running and waits for a line; every child it starts is listed in `children` so a test file kills
 * them in afterAll, even when a test failed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../plugin-bundle.ts";

export const CLI = join(REPO, "cli/main.ts");

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user with no engine configured (no AWS_ENDPOINT_URL_LAMBDA), no colours. */
export function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.AWS_ENDPOINT_URL_LAMBDA;
  return env;
}

export const children: ChildProcess[] = [];

export function cli(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  return follow(cwd, env, ...args).done;
}

/** A command left running: its output so far, a way to wait for a line (stdout, or stderr too), its end. */
export function follow(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const child = spawn(process.execPath, ["--conditions=source", CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const state = { stdout: "", stderr: "", child: child as ChildProcess };
  child.stdout.on("data", (d) => (state.stdout += d));
  child.stderr.on("data", (d) => (state.stderr += d));
  const done = new Promise<Ran>((resolve) => child.on("close", (code) => resolve({ code, stdout: state.stdout, stderr: state.stderr })));
  const until = async (pattern: RegExp, count = 1, stream: "stdout" | "both" = "stdout"): Promise<RegExpMatchArray[]> => {
    for (;;) {
      const text = stream === "stdout" ? state.stdout : state.stdout + state.stderr;
      const found = [...text.matchAll(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`))];
      if (found.length >= count) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${args.join(" ")} ended before ${pattern}: ${state.stdout}\n${state.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { state, done, until };
}

/** Kills every child still running (afterAll) and waits for each to end. */
export async function killChildren(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("close", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
