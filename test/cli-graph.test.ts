/**
 * `use-durable graph` as a user runs it: compiler fixtures drawn from their source, compared with the
 * graph.mmd (and for one, graph.dot / graph.json) kept in the fixture folder; the README's graph is
 * exactly what the command prints for examples/checkout.ts; bad input exits 2 with the fix.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectGoldenFile } from "./compiler-golden.ts";
import { REPO } from "./plugin-bundle.ts";

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--conditions=source", join(REPO, "cli/main.ts"), ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DRAWN = ["control-if-switch", "control-loops", "control-try-catch-finally", "concurrency-promise-all", "concurrency-combinators", "concurrency-map", "intrinsics-end-to-end"];

describe("use-durable graph", () => {
  it.each(DRAWN)("draws %s as a Mermaid flowchart", async (name) => {
    const r = cli(REPO, "graph", `fixtures/${name}/input.ts`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("flowchart TD\n")).toBe(true);
    await expectGoldenFile(r.stdout, join(REPO, "fixtures", name, "graph.mmd"));
  });

  it.each(["dot", "json"])("prints --format %s", async (format) => {
    const r = cli(REPO, "graph", "fixtures/control-if-switch/input.ts", "--function", "handler", "--format", format);
    expect(r.code).toBe(0);
    await expectGoldenFile(r.stdout, join(REPO, "fixtures", "control-if-switch", `graph.${format}`));
  });

  it("marks branches and loops: a dashed path around an if and a loop, a dashed back edge per loop", () => {
    const { functions } = JSON.parse(cli(REPO, "graph", "fixtures/control-loops/input.ts", "--format", "json").stdout) as { functions: Array<{ edges: Array<{ from: string; to: string; label?: string; style: string }>; groups: Array<{ kind: string; label: string }> }> };
    const [g] = functions;
    expect(g!.groups.filter((x) => x.kind === "loop").map((x) => x.label)).toEqual(["loop: for", "loop: for-of", "loop: for-in", "loop: while", "loop: do-while", ]);
    expect(g!.edges.filter((e) => e.label === "next" && e.style === "dashed")).toHaveLength(5);
    // Zero iterations: every loop but the do-while has a path around it.
    expect(g!.edges.filter((e) => e.label === "done" && e.style === "dashed")).toHaveLength(4);
  });

  it("draws the README's checkout graph", () => {
    const r = cli(REPO, "graph", "examples/checkout.ts");
    expect(r.code).toBe(0);
    expect(readFileSync(join(REPO, "README.md"), "utf8")).toContain("```mermaid\n" + r.stdout + "```");
  });

  it("reads a build's manifest and picks a function by name", () => {
    const dir = join(REPO, ".tmp", "cli-graph");
    mkdirSync(dir, { recursive: true });
    const fromSource = cli(REPO, "graph", "fixtures/control-if-switch/input.ts", "--format", "json");
    const manifest = JSON.parse(readFileSync(join(REPO, "fixtures/control-if-switch/manifest.json"), "utf8"));
    writeFileSync(join(dir, "m.json"), JSON.stringify({ version: 1, root: ".", modules: [manifest], errors: 0, warnings: 0 }));
    const fromManifest = cli(REPO, "graph", "handler", "--manifest", join(dir, "m.json"), "--format", "json");
    expect(fromManifest.code).toBe(0);
    expect(JSON.parse(fromManifest.stdout).functions).toEqual(JSON.parse(fromSource.stdout).functions.filter((f: { name: string }) => f.name === "handler"));
  });

  it.each([
    [["graph", "--format", "svg", "examples/checkout.ts"], 'unknown --format "svg"', "mermaid, json, dot"],
    [["graph", "examples/checkout.ts", "--function", "nope"], 'no durable function "nope"', "handler (examples/checkout.ts#handler)"],
    [["graph", "examples/activities.ts"], 'holds no "use durable" function', "name the module with the handler"],
    [["graph", "--manifest", "missing.json"], "--manifest: no file at", "Run use-durable build first"],
    [["graph", "--frmat", "dot"], "Unknown option '--frmat'", "graph --help"],
  ])("%j exits 2 and says how to fix it", (args, what, fix) => {
    const r = cli(REPO, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(what);
    expect(r.stderr).toContain(fix);
  });

  it("answers --help", () => {
    const r = cli(REPO, "graph", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: use-durable graph [entry...]");
  });
});
