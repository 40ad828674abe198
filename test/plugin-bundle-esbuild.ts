// esbuild as a user configures it for a Lambda: see test/plugin-bundle.ts.
import { build, type Message } from "esbuild";
import durable from "../plugin/esbuild.ts";
import { CONDITIONS, type BundleOutcome, type BundleRequest } from "./plugin-bundle.ts";

export async function bundleEsbuild(req: BundleRequest, entry: string, outfile: string): Promise<BundleOutcome> {
  // The plugin gives esbuild a location with the line's text and the fix as a note: rebuild the
  // compiler's own form from them (file:line:col with a 1-based column, the line, the fix), so the
  // same assertions hold for every bundler. A message without a location keeps its text.
  const text = (m: Message) =>
    m.location
      ? `${m.location.file}:${m.location.line}:${m.location.column + 1} ${m.text}\n> ${m.location.line} | ${m.location.lineText}\n${m.notes.map((n) => n.text).join("\n")}`
      : m.text;
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: req.project,
      outfile,
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      sourcemap: "linked",
      conditions: CONDITIONS,
      external: ["@aws-sdk/*"],
      logLevel: "silent",
      plugins: req.plugin === false ? [] : [durable(req.plugin)],
    });
    return { errors: result.errors.map(text), warnings: result.warnings.map(text) };
  } catch (error) {
    const failure = error as { errors?: Message[]; warnings?: Message[] };
    if (!Array.isArray(failure.errors)) throw error;
    return { errors: failure.errors.map(text), warnings: (failure.warnings ?? []).map(text) };
  }
}
