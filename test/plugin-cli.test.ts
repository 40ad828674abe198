// `use-durable build` as a user runs it: a child process in the project directory. The bundle it makes
// is an ES module for Lambda (.mjs, source map, @aws-sdk/* left out) that runs under AWS's emulator.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, REPO } from "./plugin-bundle.ts";
import { runBundle } from "./plugin-emulator.ts";
import { startEmulator, stopEmulator } from "./support/emulator.ts";

let project: string;
beforeAll(async () => {
  project = makeProject("cli");
  await startEmulator();
});
afterAll(async () => {
  await stopEmulator();
});

// Our own package resolves to its TypeScript sources through the "source" condition, so the tests need
// no prior `npm run build`; a user's install resolves dist/ by default.
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ["--conditions=source", join(REPO, "cli/main.ts"), ...args], {
    cwd: project,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("use-durable build", () => {
  it("bundles a handler for Lambda and writes the manifest beside it", async () => {
    const { code, stdout, stderr } = cli("build", "src/order.ts", "--outdir", "out/lambda", "--conditions", "source");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe("built out/lambda/order.mjs\nmanifest out/lambda/use-durable.manifest.json\n");
    const bundle = readFileSync(join(project, "out/lambda/order.mjs"), "utf8");
    expect(bundle.startsWith('import { createRequire as __useDurableCreateRequire } from "node:module";')).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=order\.mjs\.map\n$/);
    expect(existsSync(join(project, "out/lambda/order.mjs.map"))).toBe(true);
    // The runtime loads the AWS SDK only without an injected client; Lambda provides it, the bundle must not.
    expect(bundle).not.toMatch(/CheckpointDurableExecutionCommand\s*=\s*class/);
    const manifest = JSON.parse(readFileSync(join(project, "out/lambda/use-durable.manifest.json"), "utf8"));
    expect(manifest.modules.map((m: { file: string }) => m.file)).toEqual(["src/order-steps.ts", "src/order.ts"]);
    // The steps imported from ./order-steps.ts are resolved at build time (through the esbuild plugin).
    const handler = manifest.modules[1].durable.find((d: { name: string }) => d.name === "handler");
    expect(handler.calls.map((c: { kind: string; name: string }) => `${c.kind}:${c.name}`)).toEqual(["durable:subtotal", "intrinsic:sleep", "step:failingStep", "step:charge"]);

    const { run } = await runBundle(join(project, "out/lambda/order.mjs"), "handler", {
      payload: { id: "o-cli", lines: [{ sku: "a", quantity: 1 }] },
    });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result).toEqual({ orderId: "o-cli", cents: 199, receipt: "receipt:o-cli:199" });
  });

  it("fails with exit code 1 on a compile error, prints where and how to fix it, and still writes the manifest", () => {
    const { code, stdout, stderr } = cli("build", "src/misspelt.ts", "--outdir", "out/bad", "--conditions", "source");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    // esbuild prints the message, then the location it was given (0-based column) with the line, then the fix.
    expect(stderr).toContain('UD101 error: Unknown directive "use durabel"');
    expect(stderr).toContain("src/misspelt.ts:3:2:");
    expect(stderr).toContain("use-durable build failed with 1 error(s); manifest: out/bad/use-durable.manifest.json");
    const manifest = JSON.parse(readFileSync(join(project, "out/bad/use-durable.manifest.json"), "utf8"));
    expect(manifest.errors).toBe(1);
  });

  it("shows hazards as warnings and fails on them with --strict", () => {
    const lenient = cli("build", "src/hazard.ts", "--outdir", "out/hazard", "--conditions", "source");
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain("UD204 warning:");
    expect(lenient.stderr).toContain("src/hazard.ts:6:15:");
    const strict = cli("build", "src/hazard.ts", "--outdir", "out/strict", "--strict", "--conditions", "source");
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("UD204 error:");
  });

  it.each([
    [["build"], 2, "no entry given"],
    [["deploy"], 2, 'unknown command "deploy"'],
    [["build", "src/order.ts", "--outdri", "x"], 2, "Unknown option '--outdri'"],
  ])("rejects %j with exit code %i and says how to fix it", (args, exit, message) => {
    const { code, stderr } = cli(...args);
    expect(code).toBe(exit);
    expect(stderr).toContain(message);
  });

  it("prints usage with --help", () => {
    const { code, stdout } = cli("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: use-durable build <entry...> [options]");
  });
});
