// Rebuilds (esbuild contexts, Vite's dev server, webpack and Rollup in watch mode) hand the same
// module text to the same plugin instance again. compile() is pure in (code, id, options); the options
// are fixed per instance except `imports` (what imported modules export), whose serialised form is part
// of the key, so the previous answer is reused until the text or an imported module's summary changes.
// One entry per module id: memory stays bounded by the project, not by the number of rebuilds.

export class CompileCache<R> {
  readonly #entries = new Map<string, { code: string; root: string; imports: string; result: R }>();

  /** The cached result for exactly this text, root and imports, wrapped so that a cached null is a hit. */
  lookup(id: string, code: string, root: string, imports = ""): { result: R } | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && entry.code === code && entry.root === root && entry.imports === imports ? { result: entry.result } : undefined;
  }

  store(id: string, code: string, root: string, result: R, imports = ""): void {
    this.#entries.set(id, { code, root, imports, result });
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }
}
