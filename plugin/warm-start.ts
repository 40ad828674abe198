// Starting the compile thread before it is asked for. A one-shot build (`use-durable build`, a CI step)
// that must compile a module pays for loading TypeScript on the compile thread; started at the first
// module that misses the caches, that load begins wherever esbuild happens to reach the module. The
// usual reason for a miss is a durable module edited since the last build, which the last build can
// predict: at its end it lists its durable modules with their size and mtime (`index.json` in the cache
// folder); at the start of the next, if one of them differs, the thread starts loading TypeScript at
// once, beside esbuild's whole build. A new durable module is not predicted (it starts the thread when
// it arrives, as before), and a build with no list (the first, or one without durable modules) starts
// nothing early, so a build without durable code still never loads TypeScript.
//
// Owns: the list and the prediction. Never: compiles, or fails a build (every error means "no").

import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const INDEX = "index.json";

type Seen = Record<string, { size: number; mtimeMs: number }>;

/** Whether a durable module of the last build has changed since (or is gone). */
export function lastBuildChanged(cacheDir: string): boolean {
  let seen: Seen;
  try {
    seen = (JSON.parse(readFileSync(join(cacheDir, INDEX), "utf8")) as { modules: Seen }).modules;
  } catch {
    return false;
  }
  for (const [file, before] of Object.entries(seen)) {
    const now = statSync(file, { throwIfNoEntry: false });
    if (!now || now.size !== before.size || now.mtimeMs !== before.mtimeMs) return true;
  }
  return false;
}

/** Lists this build's durable modules for the next build's prediction. */
export function rememberBuild(cacheDir: string, files: Iterable<string>): void {
  const modules: Seen = {};
  for (const file of files) {
    const s = statSync(file, { throwIfNoEntry: false });
    if (s) modules[file] = { size: s.size, mtimeMs: s.mtimeMs };
  }
  try {
    writeFileSync(join(cacheDir, INDEX), JSON.stringify({ modules }));
  } catch {
    // no cache folder (nothing was stored) or not writable: no prediction next time
  }
}
