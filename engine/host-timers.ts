/**
 * The engine's hold on real time: Date.now, setTimeout and setImmediate as they were when the
 * engine loaded. A test that installs fake timers afterwards (vi.useFakeTimers(), AWS's skipTime)
 * fakes them for its own code; the engine keeps scheduling, and keeps its own clock (real or
 * skipped), on the event loop's real ones. Nothing else belongs here.
 */

export const realNow: () => number = Date.now.bind(Date);
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis) as typeof setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout.bind(globalThis);
export const realSetImmediate: typeof setImmediate = globalThis.setImmediate.bind(globalThis) as typeof setImmediate;
export const realClearImmediate: typeof clearImmediate = globalThis.clearImmediate.bind(globalThis);

/** Runs `fn` in a microtask that no fake timer library can hold back. */
export function microtask(fn: () => void): void {
  void Promise.resolve().then(fn);
}
