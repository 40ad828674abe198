// `npm start`: builds examples/checkout.ts with esbuild and the use-durable plugin, then runs the bundle
// to completion under AWS's durable execution emulator (LocalDurableTestRunner, time skipped), playing
// the approver who answers the callback, and prints each operation as it happens and the result.
// Works on a fresh clone after `npm install`: our own package resolves to its TypeScript sources
// through the "source" export condition, so nothing needs building first.

import { LocalDurableTestRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import durable from "use-durable/esbuild";
import { OperationPrinter, type OperationState } from "./start-printer.ts";

const repo = join(import.meta.dirname, "..");
const outdir = join(repo, ".tmp", "start");
const show = (p: string) => relative(process.cwd(), p) || ".";

const order = {
  id: "ord-1042",
  card: "4242424242424242",
  totalCents: 250_000, // over 1,000 USD, so the order waits for an approver
  items: [
    { sku: "desk", quantity: 1 },
    { sku: "lamp", quantity: 2 },
    { sku: "chair", quantity: 4 },
  ],
};

console.log(`use-durable example: ${show(join(repo, "examples/checkout.ts"))}\n`);
const built = await build({
  entryPoints: [join(repo, "examples/checkout.ts")],
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "linked",
  conditions: ["source"],
  external: ["@aws-sdk/*"],
  logLevel: "warning",
  plugins: [durable({ root: repo, manifest: join(outdir, "use-durable.manifest.json") })],
}).catch(() => process.exit(1)); // esbuild has printed the errors
const manifest = JSON.parse(readFileSync(join(outdir, "use-durable.manifest.json"), "utf8")) as {
  modules: Array<{ names: Record<string, string> }>;
};
const named = manifest.modules.reduce((n, m) => n + Object.keys(m.names).length, 0);
console.log(`built ${show(join(outdir, "checkout.mjs"))} with esbuild + use-durable (${built.warnings.length} warnings)`);
console.log(`manifest ${show(join(outdir, "use-durable.manifest.json"))}: ${named} operation names, each mapped to file:line:col\n`);

const bundle = (await import(pathToFileURL(join(outdir, "checkout.mjs")).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const printer = new OperationPrinter((line) => console.log(line));

// Watch the wire: the operations the service holds at the start of each invocation, and the new state
// it returns for every checkpoint. Each status change is printed once, when it is first seen.
const handler = async (event: Record<string, unknown>, context: unknown) => {
  const initial = event.InitialExecutionState as { Operations?: OperationState[] } | undefined;
  printer.invocation(initial?.Operations ?? []);
  const client = event.durableExecutionClient as { checkpoint: (req: unknown) => Promise<unknown> } | undefined;
  if (client) {
    const checkpoint = client.checkpoint.bind(client);
    client.checkpoint = async (request) => {
      const response = (await checkpoint(request)) as { NewExecutionState?: { Operations?: OperationState[] } };
      printer.observe(response.NewExecutionState?.Operations ?? []);
      return response;
    };
  }
  return bundle.handler(event, context);
};

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
try {
  console.log(`running order ${order.id} under AWS's durable execution emulator (time skipped)\n`);
  printer.header();
  const runner = new LocalDurableTestRunner({ handlerFunction: handler as never });
  const approval = runner
    .getOperation("waitForCallback")
    .waitForData(WaitingOperationStatus.SUBMITTED)
    .then(async (operation) => {
      printer.note("approver: approved (SendDurableExecutionCallbackSuccess)");
      await operation.sendCallbackSuccess("approved");
    });
  const execution = await runner.run({ payload: order });
  await approval.catch(() => undefined); // an order under the approval limit never asks
  const status = execution.getStatus();
  console.log(`\nexecution ${status} after ${execution.getInvocations().length} invocations`);
  if (status === "SUCCEEDED") {
    console.log(`result: ${JSON.stringify(execution.getResult(), null, 2)}`);
  } else {
    console.log(`error: ${JSON.stringify(execution.getError(), null, 2)}`);
    process.exitCode = 1;
  }
} finally {
  await LocalDurableTestRunner.teardownTestEnvironment();
}
