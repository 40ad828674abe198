/**
 * Whether this program holds compiled code (use-durable/internal loaded), so an intrinsic called
 * outside any durable execution can say what most likely happened: a "use durable" function that
 * the build plugin never compiled runs as a plain function, and its first intrinsic finds no
 * context. It owns only that flag and that message.
 */
import { currentFrame, requireContext } from "../context/current-context.ts";
import type { DurableContextImpl } from "../context/durable-context.ts";
import { DurableError, ErrorCode } from "../context/errors.ts";

let compiledCodeLoaded = false;

/** Called once by use-durable/internal, which only compiled code imports. */
export function noteCompiledCode(): void {
  compiledCodeLoaded = true;
}

export const PLUGIN_HINT =
  `Add the plugin to your build: esbuild \`plugins: [durable()]\` with durable imported from use-durable/esbuild ` +
  `(or use-durable/vite, /rollup, /webpack, /rspack; \`npx use-durable build\` for tools that take no plugins).`;

/** The current context for an intrinsic; outside one, when nothing was compiled, the plugin is named. */
export function intrinsicContext(what: string): DurableContextImpl {
  if (!compiledCodeLoaded && !currentFrame()) {
    throw new DurableError(
      ErrorCode.NOT_IN_DURABLE_CONTEXT,
      `${what} was called outside a durable function, and no module of this program was compiled by use-durable: ` +
        `a "use durable" function is only durable once the build plugin compiles it. ${PLUGIN_HINT} ` +
        `Without the compiler, call it inside a handler wrapped with withDurableExecution.`,
    );
  }
  return requireContext(what);
}
