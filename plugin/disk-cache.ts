// The persistent cache under <root>/.use-durable/cache: what compile() and summarizeExports() returned
// for a module, kept across processes, so a new process (a one-shot `use-durable build`, a dev server
// started again, CI with the folder restored) reuses the last build's work for every module whose text
// and options are unchanged, and never loads TypeScript when nothing changed.
//
// Correctness rests on the key, never on timestamps: an entry is used only when the sha-256 of
// everything the value depends on matches (the module's text, its id, the options, what its imports
// export, and the compiler itself: the text of every compiler module plus use-durable's package.json with
// its exact TypeScript and magic-string pins, so an upgrade or a local edit never reuses an old answer).
// One file per (kind, module id): the folder stays bounded by the project, not by the number of builds.
// Writes go to a temporary file renamed into place, so two builds at once never read half an entry.
//
// Owns: the folder, its file names, the key's salt. Never: decides what is cached or interprets the
// values (durable-modules.ts and import-summaries.ts do); never fails a build (an unreadable or
// unwritable cache is a miss).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Bumped when the shape of a stored value changes. */
const FORMAT = "use-durable-cache-1";

let salt: string | undefined;

/**
 * What every key depends on besides its own parts: the cache format, the text of every compiler module,
 * and use-durable's package.json (its version and the exact pins of TypeScript and magic-string). Read
 * directly: resolving the dependencies' own package.json through require() cost 8-20 ms of a build.
 */
export function compilerSalt(): string {
  if (salt !== undefined) return salt;
  const hash = createHash("sha256").update(FORMAT);
  const dir = fileURLToPath(new URL("../compiler/", import.meta.url));
  for (const name of readdirSync(dir).filter((n) => /\.[jt]s$/.test(n) && !n.endsWith(".d.ts")).sort()) {
    hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
  }
  // plugin/ from source, dist/plugin/ once built: the package's root is one or two folders up.
  for (const up of ["../package.json", "../../package.json"]) {
    const file = fileURLToPath(new URL(up, import.meta.url));
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (/"name":\s*"use-durable"/.test(text)) {
      hash.update(`\0package.json\0${text}`);
      break;
    }
  }
  salt = hash.digest("hex");
  return salt;
}

export class DiskCache {
  readonly dir: string;
  /**
   * V8's code cache of the compile thread (compile-worker.ts), kept with the rest; undefined when the
   * folder did not exist yet (a first build, or CI without the folder restored): producing V8's cache
   * adds 60-90 ms to loading TypeScript, which only a later build could win back.
   */
  readonly v8Dir: string | undefined;
  #ready = false;

  constructor(dir: string) {
    this.dir = dir;
    this.v8Dir = existsSync(dir) ? join(dir, "v8") : undefined;
  }

  /** The sha-256 of the parts and the compiler salt; parts are separated so ("ab","c") != ("a","bc"). */
  key(...parts: string[]): string {
    const hash = createHash("sha256").update(compilerSalt());
    for (const part of parts) hash.update(`\0${part.length}\0`).update(part);
    return hash.digest("hex");
  }

  /** The value stored for (kind, id) under exactly this key, else undefined. */
  get<T>(kind: string, id: string, key: string): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.#file(kind, id), "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as { key?: unknown; value?: T };
      return entry.key === key ? entry.value : undefined;
    } catch {
      return undefined; // a damaged entry is a miss; the next set replaces it
    }
  }

  set(kind: string, id: string, key: string, value: unknown): void {
    const file = this.#file(kind, id);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      if (!this.#ready) {
        mkdirSync(this.dir, { recursive: true });
        // Like .pytest_cache: the folder keeps itself out of version control.
        writeFileSync(join(this.dir, ".gitignore"), "# written by use-durable: a build cache, safe to delete\n*\n");
        this.#ready = true;
      }
      writeFileSync(temporary, JSON.stringify({ key, value }));
      renameSync(temporary, file);
    } catch {
      // A read-only checkout or a full disk: the build goes on, the next one compiles again.
    }
  }

  #file(kind: string, id: string): string {
    return join(this.dir, `${kind}-${createHash("sha1").update(id).digest("hex")}.json`);
  }
}
