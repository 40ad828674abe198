/**
 * `dev`'s registration route on the engine's HTTP API, `POST /use-durable/dev/register`: what
 * `use-durable run` calls beside a running dev to register (or re-register) a function from a bundle
 * it built. Not one of Lambda's routes (engine/http/server.ts: EXTENSION_PREFIX). Registering loads
 * code into dev's workers, so every request passes the UI's guard with dev's own secret (the Host
 * is the API's address, no foreign Origin, the `x-use-durable-token` header, a JSON body), the body
 * must be exactly { name, bundle, export, manifest }, and both files must be inside the project
 * root (symbolic links resolved). It registers through engine.register and reports to dev; it
 * never builds, never starts an execution.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAbsolute, relative, resolve } from "node:path";
import type { Manifest } from "../../compiler/index.ts";
import type { Engine, ExtensionHandler } from "../../engine/index.ts";
import { REGISTER_PATH } from "../endpoint-file.ts";
import { Guard } from "../ui/guard.ts";
import { readJson } from "../ui/json-body.ts";

export interface Registration {
  name: string;
  /** Absolute, real paths inside the root. */
  bundle: string;
  export: string;
  manifest: string;
  modules: Manifest[];
  /** The name was registered before (by dev's watch or an earlier run), with this manifest. */
  replaced: boolean;
  previousManifest: string | undefined;
}

const KEYS = ["name", "bundle", "export", "manifest"];
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const EXPORT = /^[A-Za-z_$][\w$]*$/;
const BODY_LIMIT = 16 * 1024;

const refused = (status: number, type: string, message: string) => Object.assign(new Error(message), { status, type });

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  response.end(text);
}

/** A file inside the root, by its real path; else a 400. */
function insideRoot(root: string, key: string, given: string, extensions: RegExp): string {
  let real: string;
  try {
    real = realpathSync(resolve(root, given));
  } catch {
    throw refused(400, "BadRequest", `${key}: no file at ${given}`);
  }
  const rel = relative(root, real);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw refused(400, "BadRequest", `${key}: ${given} is outside the project root; dev registers only files under it`);
  if (!statSync(real).isFile() || !extensions.test(real)) throw refused(400, "BadRequest", `${key}: ${given} is not a ${extensions.source} file`);
  return real;
}

function parseBody(root: string, body: Record<string, unknown>): Omit<Registration, "replaced" | "previousManifest"> {
  const extra = Object.keys(body).filter((key) => !KEYS.includes(key));
  const missing = KEYS.filter((key) => typeof body[key] !== "string");
  if (extra.length > 0 || missing.length > 0) {
    throw refused(400, "BadRequest", `the body must be { name, bundle, export, manifest }, all strings${missing.length ? `; missing or not a string: ${missing.join(", ")}` : ""}${extra.length ? `; unknown: ${extra.join(", ")}` : ""}`);
  }
  const { name, export: exportName } = body as Record<string, string>;
  if (!NAME.test(name!)) throw refused(400, "BadRequest", `name ${JSON.stringify(name)}: use 1 to 64 letters, digits, hyphens or underscores (Lambda's rule)`);
  if (!EXPORT.test(exportName!)) throw refused(400, "BadRequest", `export ${JSON.stringify(exportName)} is not a JavaScript identifier`);
  const bundle = insideRoot(root, "bundle", body.bundle as string, /\.m?js$/);
  const manifest = insideRoot(root, "manifest", body.manifest as string, /\.json$/);
  let modules: unknown;
  try {
    modules = (JSON.parse(readFileSync(manifest, "utf8")) as { modules?: unknown }).modules;
  } catch {
    modules = undefined;
  }
  if (!Array.isArray(modules)) throw refused(400, "BadRequest", `manifest: ${body.manifest as string} is not a build manifest ({ modules: [...] })`);
  return { name: name!, bundle, export: exportName!, manifest, modules: modules as Manifest[] };
}

/** The route's handler; `port` is the API's, `onRegistered` tells dev (its terminal, its UI, endpoint.json). */
export function registerRoute(options: { engine: Engine; root: string; port: number; secret: string; onRegistered(registration: Registration): void }): ExtensionHandler {
  const guard = new Guard(options.secret, "use-durable run reads it from .use-durable/endpoint.json");
  guard.listening("127.0.0.1", options.port);
  const root = realpathSync(options.root);
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "POST") throw refused(405, "MethodNotAllowed", `${REGISTER_PATH} takes POST only`);
    const reason = guard.check(request);
    if (reason) throw refused(403, "Forbidden", `use-durable dev refuses to register: ${reason}`);
    const parsed = parseBody(root, await readJson(request, BODY_LIMIT));
    const previous = options.engine.functions.get(parsed.name);
    const replaced = previous !== undefined;
    options.engine.register(parsed.name, { bundle: parsed.bundle, export: parsed.export }, { manifest: parsed.manifest });
    options.onRegistered({ ...parsed, replaced, previousManifest: previous?.manifest });
    send(response, 200, { registered: parsed.name, replaced });
  };
  return async (request, response) => {
    try {
      await handle(request, response);
    } catch (error) {
      request.resume();
      const e = error as { status?: number; type?: string; message?: string };
      const status = typeof e.status === "number" ? e.status : 500;
      if (!response.headersSent) send(response, status, { error: { type: e.type ?? "Error", message: e.message ?? String(error) } });
      else response.end();
    }
  };
}
