/**
 * `use-durable dev [entries...]`: the project's engine with its HTTP API on 127.0.0.1, and a watch
 * (an esbuild context with the use-durable plugin) that builds every entry, registers each exported
 * durable function, and on a change rebuilds, re-registers (executions in flight replay on the new
 * code) and says which executions in flight now fail replay and where. Each build is kept under
 * `.use-durable/dev/builds/<n>/` (bundles and manifest), so the engine names both call sites of a
 * non-deterministic replay. Writes `.use-durable/endpoint.json` for the other commands, with the
 * secret of its registration route (./register-route.ts), where `use-durable run` registers the
 * file it builds. Runs until SIGINT / SIGTERM, then closes everything it opened.
 */
import { context, formatMessagesSync, type BuildResult, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { Manifest } from "../../compiler/index.ts";
import type { Engine } from "../../engine/index.ts";
import { LAMBDA_BUNDLE } from "../../plugin/lambda-bundle.ts";
import { CliError } from "../cli-error.ts";
import { REGISTER_PATH, writeEndpoint } from "../endpoint-file.ts";
import { parse } from "../api/commands.ts";
import { checkEntryFile } from "../run/compile.ts";
import { findEntries } from "./entries.ts";
import { checkInFlight, type InFlightReport } from "./in-flight.ts";
import { registerRoute } from "./register-route.ts";
import { newToken } from "../ui/guard.ts";
import type { UiManifest, UiServer } from "../ui/index.ts";

export const DEV_USAGE = `Usage: use-durable dev [entries...] [--port <n>] [--db <path>]

Runs the project's engine with Lambda's HTTP API and the web UI on 127.0.0.1, and watches the code: every entry
(default: every module under the current directory with "use durable") is built with the plugin and
each exported durable function registered (named after its export; "handler" takes the file's
name). On a change it rebuilds and re-registers; executions in flight replay on the new code, and
the terminal says which of them now fail replay and where (both call sites).

Options:
  --port <n>      the API's port (default: any free port)
  --db <path>     the engine's database (default: .use-durable/engine.db)
  -h, --help      show this help
`;

const fromSource = import.meta.url.endsWith(".ts");

export async function runDev(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { port: { type: "string" }, db: { type: "string" } }, DEV_USAGE);
  if (values.help) return void process.stdout.write(DEV_USAGE), 0;
  const root = process.cwd();
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError("UD_CLI_USAGE", `--port ${String(values.port)} is not a port number (0 to 65535).`);
  const entries = positionals.length > 0 ? positionals.map((file) => checkEntryFile(root, file)) : findEntries(root);
  if (entries.length === 0) throw new CliError("UD_CLI_UNKNOWN_ENTRY", `no module with "use durable" under ${root}. Name the entries: use-durable dev src/checkout.ts`);

  const { createEngine } = await import("../../engine/index.ts");
  let engine: Engine;
  try {
    engine = await createEngine({ root, ...(values.db !== undefined ? { database: values.db as string } : {}), http: { port } });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new CliError("UD_CLI_ENGINE", `port ${port} is in use. Choose another with --port <n>, or leave it out for any free port.`);
    if (code === "UD_ENGINE_NODE" || code === "UD_ENGINE_DB_BUSY" || code === "UD_ENGINE_DB_NEWER") throw new CliError("UD_CLI_ENGINE", (error as Error).message);
    throw error;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const sayInFlight = (reports: InFlightReport[]) => {
    for (const r of reports) say(r.ok ? `  in flight ${r.functionName} ${r.name}: replays on the new build` : `  in flight ${r.functionName} ${r.name}: FAILS REPLAY on the new build: ${r.detail}`);
  };
  const registered = new Set<string>();
  let stopEndpoint: () => void = () => undefined;
  const secret = newToken();
  // Written whole (renamed over) each time: a reader never finds the file missing while dev runs.
  const publish = () => {
    stopEndpoint = writeEndpoint(root, { endpoint: engine.url!, pid: process.pid, command: "dev", functions: [...registered], secret });
  };
  const out = join(root, ".use-durable", "dev");
  rmSync(out, { recursive: true, force: true });
  // Bundles `run` built beside an earlier dev: registered with that process only, no longer used.
  rmSync(join(root, ".use-durable", "run", "dev"), { recursive: true, force: true });
  let builds = 0;
  let previousManifest: string | undefined;
  let queue = Promise.resolve();
  let ui: UiServer | undefined;
  const manifests = new Map<string, UiManifest>();
  engine.extend(
    REGISTER_PATH,
    registerRoute({
      engine,
      root,
      port: Number(new URL(engine.url!).port),
      secret,
      onRegistered: (r) => {
        manifests.set(r.name, { modules: r.modules } as UiManifest);
        registered.add(r.name);
        say(`${r.replaced ? "re-registered" : "registered"} ${r.name}  (use-durable run: ${relative(root, r.bundle)}#${r.export})`);
        publish();
        // As after a rebuild: executions in flight of the name now replay on run's build. After the answer, in turn with the builds.
        if (r.replaced) {
          queue = queue
            .then(async () => sayInFlight(await checkInFlight(engine, { name: r.name, bundle: r.bundle, exportName: r.export, manifest: r.manifest, previousManifest: r.previousManifest })))
            .catch((error: unknown) => void process.stderr.write(`use-durable dev: ${(error as Error).stack ?? String(error)}\n`));
        }
      },
    }),
  );

  const onBuilt = async (result: BuildResult) => {
    if (result.errors.length > 0) {
      process.stderr.write(formatMessagesSync(result.errors, { kind: "error", color: false }).join(""));
      say(`build failed (${result.errors.length} error(s)); executions keep running on the previous build.`);
      return;
    }
    const n = ++builds;
    const dir = join(out, "builds", String(n));
    mkdirSync(dir, { recursive: true });
    const manifest = join(dir, "use-durable.manifest.json");
    copyFileSync(join(out, "current", "use-durable.manifest.json"), manifest);
    const buildManifest = JSON.parse(readFileSync(manifest, "utf8")) as { modules: Manifest[] };
    const modules = buildManifest.modules;
    const reports = [];
    for (const entry of entries) {
      const stem = basename(entry).replace(/\.[^.]+$/, "");
      const bundle = join(dir, `${stem}.mjs`);
      copyFileSync(join(out, "current", `${stem}.mjs`), bundle);
      const shown = relative(root, entry).split("\\").join("/");
      for (const fn of modules.find((m) => m.file === shown)?.durable.filter((d) => d.exported) ?? []) {
        const name = (fn.name === "handler" ? stem : fn.name).replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
        const again = registered.has(name);
        engine.register(name, { bundle, export: fn.name }, { manifest });
        manifests.set(name, buildManifest as UiManifest);
        registered.add(name);
        say(`${again ? "re-registered" : "registered"} ${name}  (${shown}#${fn.name})`);
        if (again) reports.push(...(await checkInFlight(engine, { name, bundle, exportName: fn.name, manifest, previousManifest })));
      }
    }
    previousManifest = manifest;
    publish();
    sayInFlight(reports);
    if (n === 1) {
      const { startUi } = await import("../ui/index.ts");
      ui = await startUi({ engine, manifests: (name) => manifests.get(name) });
      say(`\nuse-durable dev: engine on ${relative(root, engine.options.database)}`);
      say(`  UI       ${ui.url}`);
      say(`  API      ${engine.url}`);
      say(`  AWS_ENDPOINT_URL_LAMBDA=${engine.url}`);
      say(`watching ${entries.length} entr${entries.length === 1 ? "y" : "ies"}; Ctrl-C stops.`);
    }
  };
  const hook: Plugin = {
    name: "use-durable-dev",
    setup(build) {
      build.onEnd((result) => {
        queue = queue.then(() => onBuilt(result)).catch((error: unknown) => {
          process.stderr.write(`use-durable dev: ${(error as Error).stack ?? String(error)}\n`);
        });
        return queue;
      });
    },
  };
  const { default: durable } = await import("../../plugin/esbuild.ts");
  const ctx = await context({
    entryPoints: entries,
    outdir: join(out, "current"),
    outExtension: { ".js": ".mjs" },
    absWorkingDir: root,
    ...LAMBDA_BUNDLE,
    external: [...LAMBDA_BUNDLE.external],
    sourcemap: "inline",
    ...(fromSource ? { conditions: ["source"] } : {}),
    logLevel: "silent",
    plugins: [durable({ root, manifest: join(out, "current", "use-durable.manifest.json") }), hook],
  });
  await ctx.watch();
  await new Promise<void>((resolveStop) => {
    process.once("SIGINT", () => resolveStop());
    process.once("SIGTERM", () => resolveStop());
  });
  await ctx.dispose();
  await queue;
  stopEndpoint();
  await ui?.close();
  await engine.close();
  say("use-durable dev: stopped.");
  return 0;
}
