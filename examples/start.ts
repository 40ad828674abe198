// `npm start`: builds examples/checkout.ts with esbuild and the use-durable plugin, then runs the bundle
// to completion on use-durable's own engine (a worker thread runs the handler; executions are stored in
// .use-durable/engine.db; time is skipped, so the hour's sleep takes none), playing the approver who
// answers the callback, and prints each operation as it happens and the result. No AWS package is
// loaded at run time. Works on a fresh clone after `npm install`: our own package resolves to its
// TypeScript sources through the "source" export condition, so nothing needs building first.

import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import durable from "use-durable/esbuild";
import { createEngine } from "use-durable/engine";
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
const manifestFile = join(outdir, "use-durable.manifest.json");
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
  plugins: [durable({ root: repo, manifest: manifestFile })],
}).catch(() => process.exit(1)); // esbuild has printed the errors
const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { modules: Array<{ names: Record<string, string> }> };
const named = manifest.modules.reduce((n, m) => n + Object.keys(m.names).length, 0);
console.log(`built ${show(join(outdir, "checkout.mjs"))} with esbuild + use-durable (${built.warnings.length} warnings)`);
console.log(`manifest ${show(manifestFile)}: ${named} operation names, each mapped to file:line:col\n`);

const engine = await createEngine({ root: repo, clock: "skip" });
try {
  engine.register("checkout", { bundle: join(outdir, "checkout.mjs"), export: "handler" }, { manifest: manifestFile });
  console.log(`running order ${order.id} on the use-durable engine (${show(engine.options.database)}, time skipped)\n`);
  const printer = new OperationPrinter((line) => console.log(line));
  printer.header();

  // Watch the store: every committed change of this execution, as it happens. A status change is
  // printed once, when it is first seen; a new invocation gets its header.
  let arn: string | undefined;
  let invocation: string | null = null;
  let approved = false;
  engine.onChange(({ changes }) => {
    for (const change of changes) {
      if (change.arn !== arn) continue;
      if (change.execution.invocationId !== null && change.execution.invocationId !== invocation) printer.invocation([]);
      invocation = change.execution.invocationId;
      const operations = change.operations as unknown as OperationState[];
      printer.observe(operations);
      // The approver answers once the waitForCallback's submitter has run (its STEP succeeded).
      const submitted = operations.find((op) => op.Type === "STEP" && op.Status === "SUCCEEDED" && op.ParentId && isWaitForCallback(op.ParentId));
      if (submitted && !approved) {
        approved = true;
        const callback = engine.service.store.operations(arn).find((row) => row.operation.ParentId === submitted.ParentId && row.operation.Type === "CALLBACK");
        queueMicrotask(() => {
          printer.note("approver: approved (SendDurableExecutionCallbackSuccess)");
          engine.sendCallbackSuccess(callback!.operation.CallbackDetails!.CallbackId!, "approved");
        });
      }
    }
  });
  const isWaitForCallback = (id: string) => engine.service.store.operation(arn!, id)?.operation.SubType === "WaitForCallback";

  arn = engine.start("checkout", { payload: order }).arn;
  const execution = await engine.waitFor(arn);
  const invocations = engine.service.getHistory({ DurableExecutionArn: arn, MaxItems: 1000 }).Events.filter((e) => e.EventType === "InvocationCompleted").length;
  console.log(`\nexecution ${execution.Status} after ${invocations} invocations`);
  if (execution.Status === "SUCCEEDED") {
    console.log(`result: ${JSON.stringify(JSON.parse(execution.Result ?? "null"), null, 2)}`);
  } else {
    console.log(`error: ${JSON.stringify(execution.Error, null, 2)}`);
    process.exitCode = 1;
  }
} finally {
  await engine.close();
}
