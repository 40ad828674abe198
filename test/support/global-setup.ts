/**
 * vitest's global set-up: clears the backend parity records before the suite, and after it fails
 * the run when a test's runs differ between AWS's emulator and the engine (backend-parity.ts).
 */
import { compareBackends, resetParity } from "./backend-parity.ts";

export function setup(): () => void {
  resetParity();
  return () => {
    const differences = compareBackends();
    if (differences.length > 0) {
      console.error(`The engine and AWS's emulator disagree on ${differences.length} run(s):\n${differences.join("\n")}`);
      process.exitCode = 1;
    }
  };
}
