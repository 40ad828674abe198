// Testing durable functions with vitest: the use-durable plugin compiles "use durable" / "use step"
// sources as vitest loads them, so a test imports the handler as written and runs it on
// use-durable/testing's LocalDurableTestRunner.
import { defineConfig } from "vitest/config";
import durable from "use-durable/vite";

export default defineConfig({
  plugins: [durable()],
  test: { include: ["examples/vitest/**/*.test.ts"] },
});
