import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The runtime and operations test files that run handlers through the emulator harness run twice:
// on AWS's emulator (the reference) and on our engine (USE_DURABLE_BACKEND=engine); the global
// teardown compares the two (test/support/backend-parity.ts).
const twoBackends = readdirSync("test")
  .filter((file) => /^(runtime|ops)-.*\.test\.ts$/.test(file))
  .filter((file) => readFileSync(`test/${file}`, "utf8").includes("./support/emulator.ts"))
  .map((file) => `test/${file}`);

export default defineConfig({
  resolve: {
    conditions: ["source"],
    // The package's own entry points, as a user imports them (vite does not resolve a package by its own name).
    alias: [{ find: /^use-durable\/testing$/, replacement: fileURLToPath(new URL("engine/testing/index.ts", import.meta.url)) }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // No compile-server snapshots made in the background by the builds of the suite (a process that
    // would outlive its test); test/plugin-compile-thread.test.ts turns them on in a folder of its own.
    env: { USE_DURABLE_COMPILE_SNAPSHOT: "0" },
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      { extends: true, test: { name: "aws", include: ["test/**/*.test.ts"] } },
      { extends: true, test: { name: "engine", include: twoBackends, env: { USE_DURABLE_BACKEND: "engine" } } },
    ],
  },
});
