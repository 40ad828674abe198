// One manifest for a whole build: the compiler's per-module manifests, keyed by module id, written as
// one JSON at the end of the build, including a failed one (the manifest is how a user sees what the
// compiler made of each durable function, which matters most when the build fails).

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Diagnostic, Manifest } from "../compiler/index.ts";

export const BUILD_MANIFEST_VERSION = 1;

export interface BuildManifest {
  version: typeof BUILD_MANIFEST_VERSION;
  /** Always "."; module paths inside are relative to the root the build used. */
  root: ".";
  modules: ModuleEntry[];
  errors: number;
  warnings: number;
}

export interface ModuleEntry {
  /** Path relative to root, `/` separators. */
  file: string;
  manifest: Manifest;
  diagnostics: Diagnostic[];
}

export class BuildManifestCollector {
  readonly #modules = new Map<string, ModuleEntry>();

  /** Records (or replaces, on a rebuild in watch mode) what the compiler returned for one module. */
  set(id: string, root: string, manifest: Manifest, diagnostics: Diagnostic[]): void {
    this.#modules.set(id, { file: toPosix(relative(root, id)), manifest, diagnostics });
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
      for (const d of m.diagnostics) d.severity === "error" ? errors++ : warnings++;
    }
    return { version: BUILD_MANIFEST_VERSION, root: ".", modules, errors, warnings };
  }

  /** Writes the JSON; returns the absolute path written. */
  write(root: string, path: string): string {
    const target = isAbsolute(path) ? path : resolve(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
    return target;
  }
}

function toPosix(path: string): string {
  return path.split("\\").join("/");
}
