/**
 * The engine's one platform requirement: Node 22.13 or later, where `node:sqlite` loads without a
 * flag. Every entry point calls `assertEngineNode()` before doing anything, so an older Node fails
 * at once with a message that says what to do, not with a missing-module error from deep inside.
 */
import { EngineError, EngineErrorCode } from "./engine-error.ts";

export const MIN_NODE = "22.13.0";

export function assertEngineNode(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 13)) return;
  throw new EngineError(
    EngineErrorCode.NODE,
    `The use-durable engine needs Node ${MIN_NODE} or later (it stores executions with node:sqlite); this is Node ${version}. ` +
      `Run it with a newer Node (nvm install 22, or the node@22 npm package).`,
  );
}
