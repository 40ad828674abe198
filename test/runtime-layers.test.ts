/**
 * runtime/ is five layers (runtime/SPEC.md "Layers"): a module's value imports may reach its own
 * layer and the layers before it in the list, never a later one, and nothing outside runtime/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const LAYERS = ["protocol", "context", "operations", "batch", "dialect"];
const runtime = resolve(dirname(fileURLToPath(import.meta.url)), "../runtime");

test("value imports in runtime/ point down the layers and stay inside runtime/", () => {
  const violations: string[] = [];
  let files = 0;
  for (const [layerIndex, layer] of LAYERS.entries()) {
    for (const name of readdirSync(join(runtime, layer))) {
      const file = join(runtime, layer, name);
      files++;
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
        const [, typeOnly, specifier] = match as unknown as [string, string | undefined, string];
        if (!specifier.startsWith(".")) {
          if (!specifier.startsWith("node:") && specifier !== "@aws-sdk/client-lambda") violations.push(`${layer}/${name} imports ${specifier}`);
          continue;
        }
        const target = relative(runtime, resolve(dirname(file), specifier));
        const targetLayer = target.split("/")[0]!;
        if (target.startsWith("..")) violations.push(`${layer}/${name} imports ${specifier}, outside runtime/`);
        else if (!typeOnly && LAYERS.indexOf(targetLayer) > layerIndex) violations.push(`${layer}/${name} imports ${target} from a later layer`);
      }
    }
  }
  expect(files).toBeGreaterThan(40);
  expect(violations).toEqual([]);
});
