// Rebuilds (esbuild contexts, Vite's dev server, webpack and Rollup in watch mode) hand the same
// module text to the same plugin instance again. compile() is pure in (code, id, options) and the
// options are fixed per instance, so the previous answer is reused; only a changed text compiles again.
// One entry per module id: memory stays bounded by the project, not by the number of rebuilds.

export class CompileCache<R> {
  readonly #entries = new Map<string, { code: string; root: string; result: R }>();

  /** The cached result for exactly this text and root, wrapped so that a cached null is a hit. */
  lookup(id: string, code: string, root: string): { result: R } | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && entry.code === code && entry.root === root ? { result: entry.result } : undefined;
  }

  store(id: string, code: string, root: string, result: R): void {
    this.#entries.set(id, { code, root, result });
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }
}
