/**
 * Bundles a snippet the way a user's Lambda build would: esbuild, ESM for Node 22, minified,
 * `@aws-sdk/*` external, "use-durable" resolved to this repository's TypeScript sources (the
 * `source` condition of its exports map). For the runtime's bundle-size and error-name tests.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Metafile } from "esbuild";

export async function bundleMinified(contents: string): Promise<{ code: string; bytes: Uint8Array; metafile: Metafile }> {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL("../..", import.meta.url)), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    conditions: ["source"],
    external: ["@aws-sdk/*"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0]!;
  return { code: output.text, bytes: output.contents, metafile: result.metafile };
}
