/**
 * Where a non-deterministic replay's two operations are in the source. A function registered
 * with its build's manifest (use-durable.manifest.json: every operation name -> file:line:col)
 * lets the engine complete the runtime's NonDeterministicExecutionError with the call site of the
 * recorded operation (in the build that recorded it) and of the one the new code calls.
 */
import { readFileSync } from "node:fs";
import type { ErrorObject } from "../../runtime/protocol/wire.ts";

const cache = new Map<string, Map<string, string>>();

/** Operation name -> file:line:col, from a manifest file (empty if it cannot be read). */
export function callSites(manifest: string | undefined): Map<string, string> {
  if (manifest === undefined) return new Map();
  let sites = cache.get(manifest);
  if (!sites) {
    sites = new Map();
    try {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { modules?: Array<{ names?: Record<string, string> }> };
      for (const module of parsed.modules ?? []) {
        for (const [name, site] of Object.entries(module.names ?? {})) {
          sites.set(name, site);
          // Keys are `durableFunction:operation`; the runtime names the operation alone.
          const operation = name.slice(name.indexOf(":") + 1);
          if (!sites.has(operation)) sites.set(operation, site);
        }
      }
    } catch {
      // No manifest, no sites: the error stays as the runtime wrote it.
    }
    cache.set(manifest, sites);
  }
  return sites;
}

/**
 * Adds "recorded at <site>; the code now calls it at <site>" to a non-determinism error, looking
 * the recorded name up in the manifests of earlier builds (newest first) and the new one in the
 * current build's.
 */
export function explainNonDeterminism(error: ErrorObject, current: string | undefined, earlier: readonly (string | undefined)[], durableName?: string): ErrorObject {
  if (error.ErrorType !== "NonDeterministicExecutionError" || !error.ErrorMessage) return error;
  // The recorded operation's name is in `at operation "<name>" (#n)`; "recorded there is" names the
  // field that differs, which is a type or subtype unless the names differ.
  const recorded = /at operation "([^"]*)" \(#/.exec(error.ErrorMessage)?.[1] ?? /the name recorded there is "([^"]*)"/.exec(error.ErrorMessage)?.[1];
  const now = /the code now calls \S+ \S+ "([^"]*)"/.exec(error.ErrorMessage)?.[1];
  // `durable:operation` first: two modules of one build may both have an operation "charge".
  const site = (manifest: string | undefined, name: string) => callSites(manifest).get(`${durableName}:${name}`) ?? callSites(manifest).get(name);
  const was = recorded === undefined ? undefined : earlier.map((m) => site(m, recorded)).find((found) => found !== undefined);
  const is = now === undefined ? undefined : site(current, now);
  if (!was && !is) return error;
  const parts = [was && `"${recorded}" was recorded at ${was}`, is && `the code now calls "${now}" at ${is}`].filter(Boolean);
  return { ...error, ErrorMessage: `${error.ErrorMessage} (${parts.join("; ")})` };
}
