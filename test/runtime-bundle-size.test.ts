/**
 * The runtime ships inside every Lambda: bundle a minimal handler with esbuild (aws-sdk external,
 * minified, as a user's build would) and fail above 30 kB. The official SDK's equivalent is 91 kB.
 */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, test } from "vitest";

const LIMIT_BYTES = 30_000;

test("a minimal handler bundles to under 30 kB minified", async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const result = await build({
    stdin: {
      contents: `import { withDurableExecution } from "./runtime/index.ts";
        export const handler = withDurableExecution(async (event, ctx) => {
          const a = await ctx.step("a", async () => event.n + 1);
          await ctx.wait({ seconds: 1 });
          return ctx.runInChildContext("c", async (c) => c.step(async () => a * 2));
        });`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: ["@aws-sdk/*"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(code).length;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .map(([file, { bytesInOutput }]) => `${file.replace(/^runtime\//, "")} ${bytesInOutput}`)
    .sort((a, b) => Number(b.split(" ")[1]) - Number(a.split(" ")[1]));
  console.info(`runtime bundle: ${code.length} B minified, ${gzipped} B gzipped (limit ${LIMIT_BYTES} B minified)\n  ${inputs.join(", ")}`);
  expect(new TextDecoder().decode(code)).toContain("@aws-sdk/client-lambda"); // still external, loaded lazily
  expect(code.length).toBeLessThanOrEqual(LIMIT_BYTES);
});
