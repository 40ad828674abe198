/**
 * An engine in its own process, for the restart and crash tests: opens a database file, registers
 * bundles, serves the HTTP API on 127.0.0.1 and prints `READY <url>` once it accepts requests.
 * SIGTERM closes it cleanly; the tests also SIGKILL it.
 *   node --conditions=source test/support/engine-process.ts <db> <real|skip> name=bundle.mjs ...
 */
import { createEngine } from "../../engine/index.ts";

const [database, clock, ...functions] = process.argv.slice(2);
const engine = await createEngine({ database: database!, clock: clock === "skip" ? "skip" : "real", http: true });
for (const spec of functions) {
  const [name, bundle] = spec.split("=");
  engine.register(name!, { bundle: bundle! });
}
process.stdout.write(`READY ${engine.url}\n`);
process.on("SIGTERM", () => void engine.close().then(() => process.exit(0)));
