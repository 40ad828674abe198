/**
 * `dev`'s default entries: the TypeScript and JavaScript modules under the project that hold a
 * "use durable" directive (a text scan, as the plugin's prefilter does), outside node_modules,
 * dot-folders, dist and build output. Reads files; never compiles them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SKIP = new Set(["node_modules", "dist", "build", "out", "coverage", "cdk.out"]);
const SOURCE = /\.(?:m|c)?[jt]sx?$/;
const DIRECTIVE = /^\s*["']use durable["']/m;

export function findEntries(root: string, limit = 5000): string[] {
  const found: string[] = [];
  let seen = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (++seen > limit) return;
      if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") && !/\.(test|spec)\.[^.]+$/.test(entry.name) && DIRECTIVE.test(readFileSync(path, "utf8"))) found.push(path);
    }
  };
  visit(root);
  return found.sort();
}
