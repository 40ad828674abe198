// One manifest for a whole build: the compiler's per-module manifests, keyed by module id, written as
// one JSON at the end of the build, including a failed one (the manifest is how a user sees what the
// compiler made of each durable function, which matters most when the build fails).

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Manifest } from "../compiler/index.ts";

export const BUILD_MANIFEST_VERSION = 1;

export interface BuildManifest {
  version: typeof BUILD_MANIFEST_VERSION;
  /** Always "."; each module's `file` is relative to the root the build used, with `/`. */
  root: ".";
  /** One compiler manifest per module that holds a directive, sorted by file. */
  modules: Manifest[];
  errors: number;
  warnings: number;
}

export class BuildManifestCollector {
  readonly #modules = new Map<string, Manifest>();

  /** Records (or replaces, on a rebuild in watch mode) what the compiler returned for one module. */
  set(id: string, manifest: Manifest): void {
    this.#modules.set(id, manifest);
  }

  /** The modules recorded so far (the build's durable modules). */
  files(): Iterable<string> {
    return this.#modules.keys();
  }

  /** A module deleted or no longer durable must leave the manifest. */
  delete(id: string): void {
    this.#modules.delete(id);
  }

  toJSON(): BuildManifest {
    const modules = [...this.#modules.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    let errors = 0;
    let warnings = 0;
    for (const m of modules) {
      for (const d of m.diagnostics) {
        if (d.severity === "error") errors++;
        else if (d.severity === "warning") warnings++;
      }
    }
    return { version: BUILD_MANIFEST_VERSION, root: ".", modules, errors, warnings };
  }

  /** Writes the JSON (relative paths resolve against root); returns the absolute path written. */
  write(root: string, path: string): string {
    const target = isAbsolute(path) ? path : resolve(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
    return target;
  }
}
